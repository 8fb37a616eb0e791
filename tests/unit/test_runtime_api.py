"""folio.runtime_api's pieces; the protocol itself is checked against the fake in
tests/functional/test_lambda_stream.py and tests/e2e/test_entrypoint.py."""

from __future__ import annotations

import json
import time

from folio.runtime_api import DELIMITER, FunctionConfig, Invocation, InvocationContext, http_prelude


def test_the_prelude_holds_status_headers_and_cookies_and_never_a_nul() -> None:
    headers = [
        (b"Content-Type", b"text/event-stream"),
        (b"vary", b"Origin"),
        (b"vary", b"Accept"),
        (b"set-cookie", b"a=1; Secure"),
        (b"set-cookie", b"b=2"),
        (b"content-length", b"42"),
        (b"transfer-encoding", b"chunked"),
        (b"connection", b"close"),
        (b"x-odd", b"nul\x00 and \x01"),
    ]
    prelude = http_prelude(201, headers)
    assert b"\x00" not in prelude and DELIMITER not in prelude
    assert json.loads(prelude) == {
        "statusCode": 201,
        "headers": {"content-type": "text/event-stream", "vary": "Origin, Accept", "x-odd": "nul\x00 and \x01"},
        "cookies": ["a=1; Secure", "b=2"],
    }


def test_the_context_comes_from_the_invocation_and_the_environment() -> None:
    function = FunctionConfig.from_environ(
        {
            "AWS_LAMBDA_FUNCTION_NAME": "folio-chat",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/folio-chat",
        }
    )
    deadline = int(time.time() * 1000) + 30_000
    invocation = Invocation("id-1", b"{}", deadline, "arn:aws:lambda:eu-north-1:1:function:folio-chat", None)
    context = InvocationContext(invocation, function)
    assert context.function_name == "folio-chat" and context.function_version == "$LATEST"
    assert context.memory_limit_in_mb == 2048
    assert context.aws_request_id == "id-1" and context.log_group_name == "/aws/lambda/folio-chat"
    assert 0 < context.get_remaining_time_in_millis() <= 30_000
    expired = InvocationContext(Invocation("id-2", b"{}", deadline - 60_000, "", None), function)
    assert expired.get_remaining_time_in_millis() == 0
