"""Programs the suite needs from the machine (redis-server, promtool, amtool, a compose binary).

Missing on a developer's machine, the test that needs one is skipped and names the Debian package;
under CI (`CI=true`, set by .ci/run) it fails: a check that cannot run must not pass.
"""

from __future__ import annotations

import os
import shutil

import pytest

# program -> the Debian package that ships it (.ci/run installs these)
PACKAGES = {
    "redis-server": "redis-server",
    "promtool": "prometheus",
    "amtool": "prometheus-alertmanager",
    "docker-compose": "docker-compose",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(program: str) -> str:
    """The program's path; else skip the test (fail it under CI), naming what to install."""
    path = shutil.which(program)
    if path is not None:
        return path
    message = f"{program} is not installed (apt-get install {PACKAGES.get(program, program)})"
    if in_ci():
        pytest.fail(f"{message}; CI=true requires it")
    pytest.skip(message)
