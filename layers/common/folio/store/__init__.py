"""Shared state (rate limits, sessions, cache, budget) behind one small async interface.

Three backends: Upstash over its REST API (Lambda), Redis over TCP (the VPS), and an in-process
memory store (one process; also the fallback while a configured backend is unreachable).
"""

from folio.store.base import Store, StoreUnavailable
from folio.store.failover import FailoverStore, build_store

__all__ = ["FailoverStore", "Store", "StoreUnavailable", "build_store"]
