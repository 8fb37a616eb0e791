"""The container's entrypoint: the same image runs a function on Lambda and under uvicorn.

    python -m folio.entrypoint [chat|health|ingest]

The function is the first argument, else FOLIO_FUNCTION. With AWS_LAMBDA_RUNTIME_API set (Lambda,
or an emulator of its Runtime API) the function's handler answers invocations in this process: through
the Lambda runtime interface client when its Function URL buffers (FOLIO_LAMBDA_INVOKE_MODE=buffered),
through folio's own Runtime API loop when it streams (response_stream, folio.runtime_api). Otherwise
uvicorn serves the function's app on FOLIO_HOST:FOLIO_PORT. Invalid settings end the process with
one message on stderr and exit code 2.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import os
import sys
from typing import TYPE_CHECKING

from folio.cli import FUNCTIONS
from folio.errors import ConfigError
from folio.settings import load_settings

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from folio.settings import Settings

RUNTIME_API_ENV = "AWS_LAMBDA_RUNTIME_API"
FUNCTION_ENV = "FOLIO_FUNCTION"
EXIT_CONFIG = 2

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """`argv` is shaped like sys.argv: argv[1], when present, names the function."""
    args = sys.argv if argv is None else argv
    runtime_api = os.environ.get(RUNTIME_API_ENV)
    try:
        function = _function(args)
        settings = load_settings()
    except ConfigError as exc:
        sys.stderr.write(f"folio: {exc.message}\n")
        if runtime_api:
            _report_init_error(runtime_api, "Runtime.ConfigInvalid", exc, exc.message)
        return EXIT_CONFIG
    if runtime_api and settings.lambda_invoke_mode == "response_stream":
        return _run_streaming(runtime_api, function)
    if runtime_api:
        return _run_lambda(function)
    return _serve(function, settings)


def _function(args: list[str]) -> str:
    name = args[1] if len(args) > 1 else os.environ.get(FUNCTION_ENV, "")
    if name not in FUNCTIONS:
        given = f"unknown function {name!r}" if name else "no function given"
        raise ConfigError(f"{given}: pass one of {', '.join(FUNCTIONS)} as the argument or in {FUNCTION_ENV}")
    return name


def _run_lambda(function: str) -> int:
    """Run the Lambda runtime loop with the function's handler; returns only if the loop does.

    This is what `python -m awslambdaric functions.<name>.handler.handler` runs, called in this
    process rather than exec'd: the modules already imported (pydantic, the settings) are not
    imported a second time during the cold start. The client's own `main` is used, not
    `bootstrap.run`, so that its configuration (handler, Runtime API address, multi-concurrency)
    stays its business. An init failure (the handler module raising) is posted by the client to
    the Runtime API's init/error endpoint, and it exits 1.
    """
    ric = importlib.import_module("awslambdaric.__main__")
    ric.main(["awslambdaric", f"functions.{function}.handler.handler"])
    return 0


def _run_streaming(runtime_api: str, function: str) -> int:
    """Answer invocations with folio's own Runtime API loop, which streams HTTP responses.

    An init failure (the handler module raising) is posted to init/error, as the runtime client
    posts it, and the process exits 1; so it does when the Runtime API stops answering.
    """
    from folio.logs import json_root_logging
    from folio.runtime_api import FunctionConfig, RuntimeApi, RuntimeApiError, serve

    json_root_logging()  # awslambdaric would have given the root logger its handler
    module = f"functions.{function}.handler"
    try:
        handler = importlib.import_module(module).handler
    except Exception as exc:
        log.exception("the handler could not be loaded")
        _report_init_error(runtime_api, "Runtime.ImportModuleError", exc, f"{module}: {type(exc).__name__}: {exc}")
        return 1
    try:
        serve(RuntimeApi(runtime_api), handler, FunctionConfig.from_environ(os.environ), os.environ)
    except RuntimeApiError as exc:
        log.error("the Lambda Runtime API stopped answering", extra={"reason": str(exc)})
    return 1


def _serve(function: str, settings: Settings) -> int:
    from folio.application import serve

    # The app factory (`functions.<name>.app:create_app`) called here rather than by uvicorn, so
    # it gets the settings validated above and the runtime is warm before the port opens.
    module = importlib.import_module(f"functions.{function}.app")
    app: Starlette = module.create_app(settings)
    app.state.runtime.try_warm()
    serve(app, settings)
    return 0


def _report_init_error(runtime_api: str, error_type: str, exc: Exception, message: str) -> None:
    """Tell the Lambda service why init failed, as the runtime client does for a failing import."""
    body = json.dumps({"errorMessage": message, "errorType": type(exc).__name__, "stackTrace": []})
    connection = http.client.HTTPConnection(runtime_api, timeout=2)
    try:
        connection.request(
            "POST",
            "/2018-06-01/runtime/init/error",
            body,
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type},
        )
        connection.getresponse().read()
    except (OSError, http.client.HTTPException) as error:
        sys.stderr.write(f"folio: could not report the init error to the Lambda Runtime API: {error}\n")
    finally:
        connection.close()


if __name__ == "__main__":
    raise SystemExit(main())
