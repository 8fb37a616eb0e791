"""What the container image's venv weighs, measured without Docker.

Builds a fresh venv in a temporary folder and installs exactly what the Dockerfile's builder stage
installs (`pip install --no-deps -r requirements.lock`, then `pip install --no-deps .`), measures
site-packages and its biggest distributions, then applies the Dockerfile's trim (scripts/trim_site.py,
then pip and setuptools uninstalled and bytecode compiled once, unchecked-hash) and measures the
venv the image ships. Then it runs in that venv what the image runs: the index is baked and a
Function URL event answered through the chat handler. Pass the image's Python
(`--python python3.12`) to get the image's wheels.

    python scripts/image_size.py [--python PYTHON] [--top 10] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
# What the Dockerfile copies to build the folio package.
_PROJECT_FILES = ("pyproject.toml", "README.md", "layers", "functions")
# Settings of this shell that the smoke test must not inherit.
_FOREIGN = ("FOLIO_", "GROQ_", "OLLAMA_", "AWS_", "REDIS_", "UPSTASH_")


def _tree_bytes(path: Path, *, skip_bytecode: bool = False) -> int:
    total = 0
    for item in path.rglob("*"):
        if skip_bytecode and "__pycache__" in item.parts:
            continue
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
    return total


def _distribution_bytes(site: Path) -> dict[str, int]:
    """Bytes per installed distribution, from the files its RECORD lists that still exist."""
    sizes: dict[str, int] = {}
    for dist in importlib.metadata.distributions(path=[str(site)]):
        total = 0
        for entry in dist.files or []:
            located = Path(str(dist.locate_file(entry)))
            if located.is_file():
                total += located.stat().st_size
        sizes[dist.metadata["Name"]] = total
    return sizes


def _project_copy(target: Path) -> Path:
    """The files the Dockerfile copies, so that pip's in-tree build leaves nothing in the work tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    target.mkdir(parents=True)
    for name in _PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _run(*command: str | Path, **env: str) -> str:
    """Run a command (with these variables added to a clean environment when given); its stdout."""
    argv = [str(part) for part in command]
    environ = None
    if env:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)} | env
    done = subprocess.run(argv, check=False, capture_output=True, text=True, env=environ)
    if done.returncode != 0:
        raise SystemExit(f"image_size: {' '.join(argv)} failed ({done.returncode}):\n{done.stderr.strip()}")
    return done.stdout.rstrip()


def _install(python: str, workdir: Path) -> tuple[Path, Path]:
    venv = workdir / "venv"
    _run(python, "-m", "venv", venv)
    vpython = venv / "bin" / "python"
    pip = (vpython, "-m", "pip", "install", "--quiet", "--no-deps")
    _run(*pip, "-r", ROOT / "requirements.lock")
    _run(*pip, _project_copy(workdir / "src"))
    (site,) = (venv / "lib").glob("python*/site-packages")
    return vpython, site


def _trim(vpython: Path, site: Path) -> str:
    """The Dockerfile's trim, step for step; returns what trim_site.py reported."""
    report = _run(vpython, ROOT / "scripts" / "trim_site.py", "--require-strip", site)
    _run(vpython, "-m", "pip", "uninstall", "--quiet", "--yes", "pip", "setuptools")
    for cache in sorted(site.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    _run(vpython, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", site)
    return report


def _smoke(vpython: Path, workdir: Path) -> str:
    """What the image does with the venv: bake the index (the builder's last step), then answer
    events/chat.json through the chat function's Lambda handler, as `folio invoke` runs it."""
    folio, index = vpython.parent / "folio", workdir / "index"
    baked = _run(folio, "ingest", ROOT / "knowledge", "--index", index, FOLIO_ENV="development")
    response = json.loads(_run(folio, "invoke", "chat", ROOT / "events" / "chat.json", FOLIO_INDEX_URI=str(index)))
    body = json.loads(response["body"])
    if response["statusCode"] != 200 or not body["sources"]:
        raise SystemExit(f"image_size: the trimmed venv did not answer: {response}")
    summary = next(line for line in baked.splitlines() if "chunks" in line)
    return f"baked {summary}; chat answered {response['statusCode']}, sources cited: {len(body['sources'])}"


def measure(python: str, top: int, keep: bool) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix="folio-image-size-"))
    try:
        started = time.monotonic()
        vpython, site = _install(python, workdir)
        installed_seconds = time.monotonic() - started
        installed = {
            "site_packages_mb": round(_tree_bytes(site) / MB, 1),
            "without_bytecode_mb": round(_tree_bytes(site, skip_bytecode=True) / MB, 1),
            "installers_mb": round(sum(_distribution_bytes(site).get(n, 0) for n in ("pip", "setuptools")) / MB, 1),
        }
        trimmed = _trim(vpython, site)
        smoke = _smoke(vpython, workdir)
        sizes = _distribution_bytes(site)
        biggest = sorted(sizes.items(), key=lambda item: -item[1])[:top]
        return {
            "python": _run(vpython, "-c", "import platform; print(platform.python_version())"),
            "install_seconds": round(installed_seconds, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "distributions": len(sizes),
            "installed": installed,
            "trim": trimmed.splitlines(),
            "image_venv_mb": round(_tree_bytes(vpython.parents[1]) / MB, 1),
            "image_bytecode_mb": round((_tree_bytes(site) - _tree_bytes(site, skip_bytecode=True)) / MB, 1),
            "biggest": [{"name": name, "mb": round(size / MB, 1)} for name, size in biggest],
            "smoke": smoke,
            "kept": str(vpython.parents[1]) if keep else None,
        }
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _describe(report: dict[str, object]) -> str:
    installed = report["installed"]
    biggest = report["biggest"]
    trim = report["trim"]
    assert isinstance(installed, dict) and isinstance(biggest, list) and isinstance(trim, list)
    lines = [
        f"python {report['python']}: {report['distributions']} distributions, installed in "
        f"{report['install_seconds']} s ({report['total_seconds']} s with the trim)",
        f"as installed: site-packages {installed['site_packages_mb']} MB "
        f"({installed['without_bytecode_mb']} MB without bytecode, pip and setuptools {installed['installers_mb']} MB)",
        "trimmed by scripts/trim_site.py:",
        *(f"  {line}" for line in trim),
        f"as the image ships it (trimmed, compiled): venv {report['image_venv_mb']} MB "
        f"(bytecode {report['image_bytecode_mb']} MB)",
        f"biggest {len(biggest)}:",
    ]
    lines += [f"  {entry['mb']:7.1f} MB  {entry['name']}" for entry in biggest]
    lines.append(f"smoke test on the trimmed venv: {report['smoke']}")
    if report["kept"]:
        lines.append(f"venv kept at {report['kept']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venv (default: this one)")
    parser.add_argument("--top", type=int, default=10, help="how many of the biggest distributions to list")
    parser.add_argument("--keep", action="store_true", help="keep the venv and say where it is")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(args.python, args.top, args.keep)
    sys.stdout.write((json.dumps(report, indent=2) if args.json else _describe(report)) + "\n")


if __name__ == "__main__":
    main()
