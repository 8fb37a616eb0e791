"""Keeping tests off the machine's Redis: they start their own (tests/support/redis.py).

tests/conftest.py installs `refuse_the_machines_redis` as an audit hook for the whole session and
fails any test that tried. Refusing alone would not do: the store fails over to memory and the
test might pass anyway. (Audit hooks cannot be removed; this one only looks at socket.connect.)
"""

from __future__ import annotations

from typing import Any

MACHINE_REDIS_PORT = 6379
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})

# Addresses dialled since the last test ended (tests/conftest.py checks and clears it).
machine_redis_attempts: list[object] = []


def refuse_the_machines_redis(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect":
        return
    address = args[1]
    if isinstance(address, tuple) and address[0] in _LOOPBACK and address[1] == MACHINE_REDIS_PORT:
        machine_redis_attempts.append(address)
        raise ConnectionRefusedError(f"tests may not use the machine's Redis on port {MACHINE_REDIS_PORT}")
