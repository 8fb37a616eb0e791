"""Offline fake of Upstash's Redis REST API, backed by a real Redis server.

``FakeUpstash`` runs a small Starlette app under uvicorn in a background thread on
``127.0.0.1`` and a free port. It speaks the REST protocol that the official
``upstash_redis`` clients (sync and ``upstash_redis.asyncio``) and
``upstash_ratelimit`` use, and forwards every command to a real Redis:

* ``POST /`` with a JSON array ``["SET", "k", "v"]`` -> ``{"result": ...}``, or
  ``{"error": "..."}`` with HTTP 400 when Redis answers with an error.
* ``POST /pipeline`` with a JSON array of command arrays -> a JSON array of
  ``{"result": ...}`` / ``{"error": ...}`` objects, one per command (HTTP 200).
* ``POST /multi-exec``: the same, run inside ``MULTI``/``EXEC``. When Redis aborts
  the transaction (a command fails to queue), every entry is an error and the
  status is 400.
* Auth: ``Authorization: Bearer <token>``; otherwise 401 ``{"error": "Unauthorized"}``.
* ``Upstash-Encoding: base64``: every string in the result (recursively inside
  arrays) is base64 encoded; integers, ``null`` and arrays stay as they are.
  Error messages are never encoded.
* Every answer carries an ``upstash-sync-token`` header (a counter).
* ``EVAL``/``EVAL_RO``/``SCRIPT LOAD``: the ``allow-key-locking`` shebang flag
  (accepted by Upstash, rejected by Redis 7) is removed before forwarding.
  ``EVALSHA``/``SCRIPT EXISTS`` accept the SHA1 of the original script text.

Behaviour is scripted per test through mutable attributes::

    with RedisServer() as redis_server, FakeUpstash(redis_url=redis_server.url) as fake:
        redis = upstash_redis.Redis(url=fake.url, token=fake.token)
        fake.mode = "error"            # next requests answer HTTP 500
        fake.script = ["hang", "ok"]   # one mode per request, before ``mode``
        assert fake.calls == 1

Modes (see ``MODES``): ``ok``, ``hang``, ``error``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from base64 import b64encode
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, cast, get_args

from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError, ResponseError
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.base import ScriptedServer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from redis.asyncio.connection import AbstractConnection
    from starlette.requests import Request

Mode = Literal["ok", "hang", "error"]
MODES: Final[tuple[str, ...]] = get_args(Mode)

COMMAND_PATH: Final = "/"
PIPELINE_PATH: Final = "/pipeline"
MULTI_EXEC_PATH: Final = "/multi-exec"
REST_PATHS: Final = frozenset({COMMAND_PATH, PIPELINE_PATH, MULTI_EXEC_PATH})

DEFAULT_TOKEN: Final = "test-token"
SYNC_TOKEN_HEADER: Final = "upstash-sync-token"
UNAUTHORIZED_BODY: Final[dict[str, str]] = {"error": "Unauthorized"}
SERVER_ERROR_MESSAGE: Final = "ERR fake upstash: internal server error"
EXECABORT_MESSAGE: Final = "EXECABORT Transaction discarded because of previous errors."
# Shebang flags Upstash accepts but plain Redis 7 rejects ("Unexpected flag in script shebang").
UNSUPPORTED_SCRIPT_FLAGS: Final = frozenset({"allow-key-locking"})

_STOP_POLL_SECONDS: Final = 0.05

# A raw RESP2 reply as parsed by redis-py with decoding disabled and no callbacks.
# Errors nested inside arrays (e.g. in an EXEC reply) arrive as ResponseError instances.
RespValue: TypeAlias = bytes | int | ResponseError | list["RespValue"] | None
JsonValue: TypeAlias = str | int | list["JsonValue"] | None


@dataclass(frozen=True)
class _Command:
    """A command ready to send to Redis, plus an optional rewrite of its successful reply."""

    args: list[str]
    post: Callable[[RespValue], RespValue] | None = None

    def finish(self, reply: RespValue) -> RespValue:
        if self.post is None or isinstance(reply, ResponseError):
            return reply
        return self.post(reply)


class _BadRequestError(Exception):
    """The request body is not a valid command (array) or list of commands."""


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def strip_unsupported_shebang_flags(script: str) -> str:
    """Remove shebang flags Redis 7 rejects; drop the shebang line when no flag is left.

    The line itself is kept (emptied) so that Lua error line numbers do not move.
    """
    first, sep, rest = script.partition("\n")
    if not first.startswith("#!"):
        return script
    tokens = first.split()
    kept: list[str] = []
    for token in tokens:
        if token.startswith("flags="):
            flags = [flag for flag in token.removeprefix("flags=").split(",") if flag]
            remaining = [flag for flag in flags if flag not in UNSUPPORTED_SCRIPT_FLAGS]
            if remaining != flags:
                if remaining:
                    kept.append("flags=" + ",".join(remaining))
                continue
        kept.append(token)
    if kept == tokens:
        return script
    header = "" if len(kept) == 1 else " ".join(kept)
    return header + sep + rest


def _arg_text(value: object) -> str:
    """One JSON command element as the Redis argument Upstash would see (numbers as their JSON text)."""
    return value if isinstance(value, str) else json.dumps(value)


def _parse_command(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _BadRequestError("ERR the request body must be a non-empty JSON array of command arguments")
    return [_arg_text(item) for item in value]


def _error_text(error: RedisError) -> str:
    """The Redis error line, e.g. ``ERR value is not an integer or out of range``.

    redis-py strips known prefixes (``ERR``, ``NOSCRIPT``...) into ``status_code``; put them back.
    """
    message = str(error)
    prefix = getattr(error, "status_code", None)
    if isinstance(prefix, str) and prefix and not message.startswith(prefix):
        return f"{prefix} {message}"
    return message


def encode_reply(value: RespValue, *, base64: bool) -> JsonValue:
    """Raw RESP2 reply -> the JSON value of Upstash's ``result`` field."""
    if isinstance(value, list):
        return [encode_reply(item, base64=base64) for item in value]
    if isinstance(value, ResponseError):
        value = _error_text(value).encode("utf-8")
    if isinstance(value, bytes):
        return b64encode(value).decode("ascii") if base64 else value.decode("utf-8", errors="replace")
    return value


def _entry(reply: RespValue, *, base64: bool) -> dict[str, JsonValue]:
    if isinstance(reply, ResponseError):
        return {"error": _error_text(reply)}
    return {"result": encode_reply(reply, base64=base64)}


class FakeUpstash(ScriptedServer[Mode]):
    """Local fake Upstash Redis REST server in front of a real Redis. Context manager or start()/stop().

    Mutable attributes (read on every request, so tests may change them at any time):

    * ``mode``: default mode (one of ``MODES``), default ``"ok"``. ``"hang"`` sleeps
      ``hang_seconds`` (cut short by ``stop()``) and then answers normally; ``"error"``
      answers ``error_status`` (500) with ``{"error": error_message}`` without touching Redis.
    * ``script``: list of modes consumed one per request, before ``mode``.
    * ``token``: the accepted bearer token.

    Recorded: ``requests`` (every request: method, path, headers with lower-cased keys,
    parsed JSON body or None, mode applied, received sync token, HTTP status) and
    ``calls`` (number of requests to the REST paths).
    """

    def __init__(
        self,
        *,
        redis_url: str,
        token: str = DEFAULT_TOKEN,
        mode: Mode = "ok",
        hang_seconds: float = 30.0,
        startup_timeout: float = 10.0,
    ) -> None:
        self.redis_url: str = redis_url
        self.token: str = token
        self.error_status: int = 500
        self.error_message: str = SERVER_ERROR_MESSAGE
        self._sync_counter = 0
        # SHA1 of a script as sent by the client -> SHA1 of the script Redis actually cached.
        self._sha_aliases: dict[str, str] = {}
        self._pool: ConnectionPool | None = None
        app = Starlette(
            routes=[
                Route(COMMAND_PATH, self._command, methods=["POST"]),
                Route(PIPELINE_PATH, self._pipeline, methods=["POST"]),
                Route(MULTI_EXEC_PATH, self._multi_exec, methods=["POST"]),
            ],
            lifespan=self._lifespan,
        )
        super().__init__(
            app,
            mode=mode,
            hang_seconds=hang_seconds,
            lifespan="on",
            name="FakeUpstash",
            startup_timeout=startup_timeout,
        )

    @property
    def calls(self) -> int:
        """Number of requests received on the REST paths (``/``, ``/pipeline``, ``/multi-exec``)."""
        with self._lock:
            return sum(1 for r in self.requests if r["path"] in REST_PATHS)

    def commands(self) -> list[list[Any]]:
        """Every command received, in order (pipelines and transactions flattened)."""
        with self._lock:
            entries = list(self.requests)
        out: list[list[Any]] = []
        for entry in entries:
            body = entry["json"]
            if entry["path"] == COMMAND_PATH and isinstance(body, list):
                out.append(body)
            elif entry["path"] in REST_PATHS and isinstance(body, list):
                out.extend(item for item in body if isinstance(item, list))
        return out

    def reset(self) -> None:
        """Forget recorded requests and the script; restore default behaviour (Redis data is untouched)."""
        with self._lock:
            self.requests.clear()
            self.script.clear()
        self.mode = "ok"
        self.hang_seconds = 30.0
        self.error_status = 500
        self.error_message = SERVER_ERROR_MESSAGE

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        # Created inside the server's event loop; protocol=2 -> RESP2 shapes (flat arrays, no maps).
        pool: ConnectionPool = ConnectionPool.from_url(self.redis_url, protocol=2, decode_responses=False)
        self._pool = pool
        try:
            yield
        finally:
            self._pool = None
            await pool.aclose()

    # ------------------------------------------------------------------ helpers

    def _authorized(self, request: Request) -> bool:
        expected = f"Bearer {self.token}".encode()
        return hmac.compare_digest(request.headers.get("authorization", "").encode(), expected)

    def _respond(self, entry: dict[str, Any], content: object, status_code: int = 200) -> Response:
        with self._lock:
            self._sync_counter += 1
            sync_token = str(self._sync_counter)
        entry["status"] = status_code
        return JSONResponse(content, status_code=status_code, headers={SYNC_TOKEN_HEADER: sync_token})

    async def _gate(self, request: Request) -> tuple[dict[str, Any], Any, Response | None]:
        """Record the request and apply the failure mode and auth; a Response means: answer with it."""
        entry, body = await self._record(request, sync_token=request.headers.get(SYNC_TOKEN_HEADER), status=None)
        mode = self._next_mode()
        entry["mode"] = mode
        if mode == "hang":
            await self._hang()
            if self.stopping.is_set():
                return entry, body, self._respond(entry, {"error": "ERR server shutting down"}, 503)
        if mode == "error":
            return entry, body, self._respond(entry, {"error": self.error_message}, self.error_status)
        if not self._authorized(request):
            return entry, body, self._respond(entry, UNAUTHORIZED_BODY, 401)
        return entry, body, None

    def _prepare(self, args: list[str]) -> _Command:
        """Rewrite scripting commands so that plain Redis accepts what Upstash accepts."""
        name = args[0].upper()
        if name in {"EVAL", "EVAL_RO"} and len(args) > 1:
            return _Command([args[0], self._load_script(args[1]), *args[2:]])
        if name in {"EVALSHA", "EVALSHA_RO"} and len(args) > 1:
            return _Command([args[0], self._sha_aliases.get(args[1].lower(), args[1]), *args[2:]])
        if name == "SCRIPT" and len(args) > 2 and args[1].upper() == "LOAD":
            original_sha = _sha1(args[2]).encode("ascii")
            return _Command([*args[:2], self._load_script(args[2]), *args[3:]], post=lambda _reply: original_sha)
        if name == "SCRIPT" and len(args) > 2 and args[1].upper() == "EXISTS":
            return _Command([*args[:2], *(self._sha_aliases.get(sha.lower(), sha) for sha in args[2:])])
        return _Command(args)

    def _load_script(self, script: str) -> str:
        stripped = strip_unsupported_shebang_flags(script)
        if stripped != script:
            self._sha_aliases[_sha1(script)] = _sha1(stripped)
        return stripped

    def _require_pool(self) -> ConnectionPool:
        if self._pool is None:
            raise RuntimeError("FakeUpstash is not started")
        return self._pool

    async def _run(self, commands: list[_Command], *, transaction: bool) -> tuple[list[RespValue], bool]:
        """Send commands on one connection; return one reply per command and whether EXEC aborted."""
        pool = self._require_pool()
        conn = cast("AbstractConnection", await pool.get_connection())  # type: ignore[no-untyped-call]
        try:
            if transaction:
                replies, aborted = await self._run_transaction(conn, commands)
            else:
                replies, aborted = await self._run_pipeline(conn, commands), False
        except BaseException:
            await conn.disconnect()
            raise
        finally:
            await pool.release(conn)
        return [command.finish(reply) for command, reply in zip(commands, replies, strict=True)], aborted

    @staticmethod
    async def _read(conn: AbstractConnection) -> RespValue:
        try:
            reply: RespValue = await conn.read_response(disable_decoding=True)
        except ResponseError as error:
            return error
        return reply

    async def _run_pipeline(self, conn: AbstractConnection, commands: list[_Command]) -> list[RespValue]:
        await conn.send_packed_command(conn.pack_commands([c.args for c in commands]))
        return [await self._read(conn) for _ in commands]

    async def _run_transaction(
        self, conn: AbstractConnection, commands: list[_Command]
    ) -> tuple[list[RespValue], bool]:
        await conn.send_packed_command(conn.pack_commands([["MULTI"], *(c.args for c in commands), ["EXEC"]]))
        multi_reply = await self._read(conn)
        queued = [await self._read(conn) for _ in commands]
        exec_reply = await self._read(conn)
        if isinstance(multi_reply, ResponseError):
            return [multi_reply for _ in commands], True
        if isinstance(exec_reply, list) and len(exec_reply) == len(commands):
            return exec_reply, False
        abort = exec_reply if isinstance(exec_reply, ResponseError) else ResponseError(EXECABORT_MESSAGE)
        return [reply if isinstance(reply, ResponseError) else abort for reply in queued], True

    # ------------------------------------------------------------------ routes

    async def _command(self, request: Request) -> Response:
        entry, body, early = await self._gate(request)
        if early is not None:
            return early
        try:
            command = self._prepare(_parse_command(body))
            (reply,), _ = await self._run([command], transaction=False)
        except _BadRequestError as error:
            return self._respond(entry, {"error": str(error)}, 400)
        except (RedisError, OSError) as error:
            return self._respond(entry, {"error": f"ERR fake upstash: {error}"}, 500)
        status = 400 if isinstance(reply, ResponseError) else 200
        return self._respond(entry, _entry(reply, base64=_wants_base64(request)), status)

    async def _pipeline(self, request: Request) -> Response:
        return await self._batch(request, transaction=False)

    async def _multi_exec(self, request: Request) -> Response:
        return await self._batch(request, transaction=True)

    async def _batch(self, request: Request, *, transaction: bool) -> Response:
        entry, body, early = await self._gate(request)
        if early is not None:
            return early
        try:
            if not isinstance(body, list) or not body:
                raise _BadRequestError("ERR the request body must be a non-empty JSON array of commands")
            commands = [self._prepare(_parse_command(item)) for item in body]
            replies, aborted = await self._run(commands, transaction=transaction)
        except _BadRequestError as error:
            return self._respond(entry, {"error": str(error)}, 400)
        except (RedisError, OSError) as error:
            return self._respond(entry, {"error": f"ERR fake upstash: {error}"}, 500)
        base64 = _wants_base64(request)
        return self._respond(entry, [_entry(reply, base64=base64) for reply in replies], 400 if aborted else 200)


def _wants_base64(request: Request) -> bool:
    return request.headers.get("upstash-encoding", "").strip().lower() == "base64"
