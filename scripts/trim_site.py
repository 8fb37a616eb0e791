"""Trim a site-packages folder to what folio loads: the image's trim, in one place.

    python scripts/trim_site.py SITE_PACKAGES [--dry-run] [--require-strip]

The Dockerfile runs it on the image's venv, `scripts/image_size.py` on the venv it measures, and
`make install` on the development venv, so the whole test suite runs on the same trimmed packages
the image ships: a rule that removed something folio needs would fail it. Standard library only;
stripping the libraries needs binutils' `strip` (the Dockerfile's builder installs it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

# The AWS APIs folio calls through boto3: S3 (documents), SSM Parameter Store and Secrets Manager
# (secrets, via Powertools Parameters); STS, SSO and sign-in resolve credentials.
AWS_SERVICES = ("s3", "ssm", "secretsmanager", "sts", "sso", "sso-oidc", "signin")


class Rule(NamedTuple):
    why: str
    # Relative to site-packages: "**/" matches at any depth, a final "/" only folders.
    patterns: tuple[str, ...]
    # Names (the last part of a path) that stay although a pattern matches them.
    keep: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule("test suites of the installed packages", ("**/tests",)),
    Rule(
        "C/C++ headers and sources, Cython sources",
        ("pyarrow/include", "pyarrow/src", "numpy/_core/include", "**/*.pyx", "**/*.pxd", "**/*.pxi"),
    ),
    Rule(
        # `numpy.f2py` is imported only when asked for by name (numpy's module __getattr__).
        "numpy's Fortran wrapper generator (f2py): a build tool",
        ("numpy/f2py",),
    ),
    Rule(
        "Arrow Flight RPC (pyarrow.flight): never imported",
        ("pyarrow/libarrow_flight.so.*", "pyarrow/_flight.*.so", "pyarrow/libarrow_python_flight.so*"),
    ),
    Rule(
        # pyarrow.fs imports it only when present; lancedb.util asks for it for the tantivy FTS
        # index, which folio does not use (it uses LanceDB's native FTS).
        "pyarrow's own S3 client: LanceDB reads and writes S3 through its Rust object store",
        ("pyarrow/libarrow_s3.so.*", "pyarrow/_s3fs.*.so"),
    ),
    Rule(
        "pyarrow's GCS, HDFS, Azure and ORC modules and its C++ test hooks: optional imports",
        (
            "pyarrow/_gcsfs.*.so",
            "pyarrow/_hdfs.*.so",
            "pyarrow/_azurefs.*.so",
            "pyarrow/_orc.*.so",
            "pyarrow/_dataset_orc.*.so",
            "pyarrow/_pyarrow_cpp_tests.*.so",
        ),
    ),
    Rule(
        # The loader asks for libarrow_python*.so.2600 (the SONAME); wheels cannot hold symlinks,
        # so the link-time names are full copies.
        "link-time copies of pyarrow's Python bindings",
        ("pyarrow/libarrow_python*.so", "pyarrow/libarrow_python*.so.*.*.*"),
    ),
    Rule(
        "onnxruntime's C API library: the Python binding carries the runtime itself",
        ("onnxruntime/capi/libonnxruntime.so.*",),
    ),
    Rule(
        "onnxruntime's model conversion, quantisation and benchmarking tools",
        ("onnxruntime/transformers", "onnxruntime/quantization", "onnxruntime/tools", "onnxruntime/datasets"),
    ),
    Rule(
        "botocore's models of the AWS APIs folio never calls (it keeps the endpoint and retry data)",
        ("botocore/data/*/",),
        keep=AWS_SERVICES,
    ),
    Rule(
        "Lua runtimes fakeredis does not load (it runs Redis's Lua 5.1)",
        ("lupa/lua5[2-9]*.so", "lupa/luajit*.so"),
    ),
)

# Shared libraries these wheels ship with their symbol tables, stripped with `strip --strip-unneeded`.
# Only these: numpy's libraries are rewritten by auditwheel (patchelf), and stripping them makes
# them unloadable ("ELF load command address/offset not page-aligned", seen here).
STRIPPED = ("pyarrow/*.so*", "tokenizers/*.so", "yaml/*.so", "simplejson/*.so")


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def trim(site: Path, *, dry_run: bool = False) -> list[tuple[str, int, int]]:
    """Apply every rule; returns (why, paths removed, bytes freed) per rule."""
    report = []
    for why, patterns, keep in RULES:
        found = {path for pattern in patterns for path in site.glob(pattern) if path.name not in keep}
        # A folder inside another matched folder goes with its parent.
        paths = sorted(p for p in found if not any(parent in found for parent in p.parents))
        freed = sum(_size(path) for path in paths)
        if not dry_run:
            for path in paths:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        report.append((why, len(paths), freed))
    return report


def strip(site: Path, *, dry_run: bool = False) -> tuple[int, int]:
    """Strip the STRIPPED libraries; returns (files, bytes freed). Needs binutils' `strip`."""
    command = shutil.which("strip")
    if command is None:
        raise FileNotFoundError("strip (binutils) is not installed")
    files = sorted(path for pattern in STRIPPED for path in site.glob(pattern) if path.is_file())
    if dry_run:
        return len(files), 0
    before = sum(path.stat().st_size for path in files)
    subprocess.run([command, "--strip-unneeded", *map(str, files)], check=True)
    return len(files), before - sum(path.stat().st_size for path in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a site-packages folder")
    parser.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")
    parser.add_argument(
        "--require-strip", action="store_true", help="fail without binutils' strip instead of skipping that step"
    )
    args = parser.parse_args()
    if not (args.site / "pyarrow").is_dir():
        raise SystemExit(f"trim_site: {args.site} has no pyarrow: not folio's site-packages")
    report = trim(args.site, dry_run=args.dry_run)
    try:
        files, freed = strip(args.site, dry_run=args.dry_run)
        report.append(("symbol tables of pyarrow, tokenizers, PyYAML and simplejson (strip)", files, freed))
    except FileNotFoundError as exc:
        if args.require_strip:
            raise SystemExit(f"trim_site: {exc}") from exc
        sys.stderr.write(f"trim_site: {exc}: shared libraries left unstripped\n")
    total = sum(freed for _, _, freed in report)
    for why, count, freed in report:
        sys.stdout.write(f"{freed / 1048576:7.1f} MB  {count:4d} paths  {why}\n")
    sys.stdout.write(f"{total / 1048576:7.1f} MB  {'would be ' if args.dry_run else ''}freed\n")


if __name__ == "__main__":
    main()
