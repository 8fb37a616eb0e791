"""Make a folder truly read-only for a test, as Lambda's /var/task is.

Root ignores permission bits, so as root the folder is bind-mounted read-only over itself
(writes then fail with EROFS, as on Lambda); as another user its write bits are removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        with _read_only_mount(folder):
            yield
        return
    changed = []
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            changed.append(os.path.join(root, name))
    changed.append(str(folder))
    modes = {path: os.stat(path).st_mode for path in changed}
    for path, mode in modes.items():
        os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path, mode in modes.items():
            os.chmod(path, mode)


@contextlib.contextmanager
def _read_only_mount(folder: Path) -> Iterator[None]:
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True, check=False)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount as root here: {bind.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, text=True, check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=False)
