"""The suite keeps to its own Redis servers and ignores the shell's settings (#10 item 18)."""

from __future__ import annotations

import os
import socket

import pytest

from tests.support.isolation import MACHINE_REDIS_PORT, machine_redis_attempts
from tests.support.processes import FOREIGN_VARIABLES
from tests.support.redis import RedisServer


def test_a_connection_to_the_machines_redis_is_refused_and_recorded() -> None:
    # GIVEN the guard tests/conftest.py installs. WHEN a test dials 127.0.0.1:6379
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="machine's Redis"):
        sock.connect(("127.0.0.1", MACHINE_REDIS_PORT))
    # THEN it is refused whether or not a Redis listens there, and recorded (which fails the test
    # at teardown: cleared here because this test meant to do it)
    assert machine_redis_attempts == [("127.0.0.1", MACHINE_REDIS_PORT)]
    machine_redis_attempts.clear()


def test_a_test_redis_listens_on_a_port_of_its_own() -> None:
    with RedisServer() as server:
        assert server.port != MACHINE_REDIS_PORT
        assert f"127.0.0.1:{server.port}/0" in server.url
        with socket.create_connection(("127.0.0.1", server.port), timeout=2):
            pass


def test_the_shells_settings_do_not_reach_a_test() -> None:
    assert not [name for name in os.environ if name.startswith(FOREIGN_VARIABLES)]
