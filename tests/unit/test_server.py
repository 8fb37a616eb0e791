"""folio.server's process setting for a long-running server: malloc's free pages released."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_free_heap_pages_are_released_on_glibc() -> None:
    # GIVEN an interpreter that allocated and freed memory in a thread of its own
    code = textwrap.dedent(
        """
        import threading
        from folio.server import release_free_memory
        blocks = []
        worker = threading.Thread(target=lambda: blocks.extend(bytearray(4096) for _ in range(1000)))
        worker.start(); worker.join()
        del blocks
        print(release_free_memory())
        """
    )
    # WHEN it releases what malloc holds free
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # THEN glibc's malloc_trim ran (this machine's Python runs on glibc, as the image's does)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
