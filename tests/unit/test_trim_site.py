"""The image's trim (scripts/trim_site.py) on a made-up site-packages folder.

That it removes nothing folio loads is shown by the whole suite, which runs on a trimmed venv
(`make install` applies it); here: what goes, what stays, and the dry run.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from typing import TYPE_CHECKING

from scripts.trim_site import AWS_SERVICES, strip, trim

if TYPE_CHECKING:
    from pathlib import Path

KEPT = [
    "pyarrow/libarrow.so.2600",
    "pyarrow/libarrow_python.so.2600",
    "pyarrow/fs.py",
    "onnxruntime/capi/onnxruntime_pybind11_state.cpython-312-x86_64-linux-gnu.so",
    "botocore/data/endpoints.json",
    *(f"botocore/data/{service}/2014-11-06/service-2.json.gz" for service in AWS_SERVICES),
    "numpy/testing/__init__.py",
    "lupa/lua51.cpython-312-x86_64-linux-gnu.so",
]
REMOVED = [
    "numpy/_core/tests/test_api.py",
    "pyarrow/tests/data/x.parquet",
    "pyarrow/include/arrow/api.h",
    "pyarrow/src/arrow/python/api.h",
    "numpy/f2py/__init__.py",
    "pyarrow/lib.pxd",
    "pyarrow/libarrow_flight.so.2600",
    "pyarrow/_flight.cpython-312-x86_64-linux-gnu.so",
    "pyarrow/libarrow_s3.so.2600",
    "pyarrow/libarrow_python.so",
    "pyarrow/libarrow_python.so.2600.1.0",
    "onnxruntime/capi/libonnxruntime.so.1.32.0",
    "onnxruntime/transformers/models/bert.py",
    "botocore/data/dynamodb/2012-08-10/service-2.json.gz",
    "lupa/lua54.cpython-312-x86_64-linux-gnu.so",
    "lupa/luajit21.cpython-312-x86_64-linux-gnu.so",
]


def _site(tmp_path: Path) -> Path:
    for name in KEPT + REMOVED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * 100)
    return tmp_path


def test_trim_removes_the_rules_paths_and_keeps_the_rest(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = trim(site)
    assert [name for name in REMOVED if (site / name).exists()] == []
    assert [name for name in KEPT if not (site / name).exists()] == []
    assert not (site / "numpy/_core/tests").exists() and not (site / "botocore/data/dynamodb").exists()
    assert sum(freed for _, _, freed in report) == 100 * len(REMOVED)


def test_a_dry_run_reports_and_removes_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path)
    report = trim(site, dry_run=True)
    assert all((site / name).exists() for name in KEPT + REMOVED)
    assert sum(count for _, count, _ in report) == len(REMOVED), "a folder counts once, not per file"
    assert sum(freed for _, _, freed in report) == 100 * len(REMOVED)


def test_strip_shrinks_the_listed_libraries_which_still_load(tmp_path: Path) -> None:
    source = tmp_path / "answer.c"
    source.write_text("int answer(void) { return 42; }\n")
    site = tmp_path / "site"
    library = site / "tokenizers" / "answer.so"
    library.parent.mkdir(parents=True)
    subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    untouched = site / "numpy" / "answer.so"  # auditwheel-edited in real wheels: never stripped
    untouched.parent.mkdir()
    shutil.copy2(library, untouched)
    size = library.stat().st_size
    assert strip(site) == (1, size - library.stat().st_size)
    assert library.stat().st_size < size and untouched.stat().st_size == size
    assert ctypes.CDLL(str(library)).answer() == 42
