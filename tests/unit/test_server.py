"""folio.server's process settings for a long-running server: malloc's arenas and free pages."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_malloc_arenas_are_limited_and_free_pages_released_on_glibc() -> None:
    # GIVEN a fresh interpreter (the arena limit is for a process that has not started threads)
    code = textwrap.dedent(
        """
        import threading
        from folio.server import limit_malloc_arenas, release_free_memory
        assert limit_malloc_arenas(2)
        blocks = []
        worker = threading.Thread(target=lambda: blocks.extend(bytearray(4096) for _ in range(1000)))
        worker.start(); worker.join()
        del blocks
        assert release_free_memory()
        print("ok")
        """
    )
    # WHEN it limits the arenas, allocates in a thread and releases what was freed
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # THEN glibc accepted both (this machine's Python runs on glibc, as the image's does)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
