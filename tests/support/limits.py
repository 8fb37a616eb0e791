"""Rate limits out of the way, for tests where one client asks a lot; the limits have tests of their own."""

from __future__ import annotations

from typing import Any

NO_LIMITS: dict[str, Any] = {
    "ip_burst_per_minute": 1_000_000,
    "ip_questions_per_hour": 1_000_000,
    "ip_sessions_per_window": 1_000_000,
    "max_live_sessions": 1_000_000,
    "client_session_share": 1,
}
