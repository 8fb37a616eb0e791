"""The Lambda events folio reads, checked before anything indexes into them.

Mangum reads an HTTP event as AWS builds it: a direct invocation with a missing field, a header that
is not a string, a body that is not base64 or holds an unpaired surrogate makes it raise instead of
answering. The models below hold what Mangum, then folio, read from each event shape Mangum routes
(Function URL and HTTP API payload 2.0, API Gateway REST and payload 1.0, ALB), with strict types;
an event that fails them is refused with a 400 before Mangum sees it. S3 notifications are read the
same way, record by record.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from folio.clientip import parse_address
from folio.errors import BadRequest

_PORT = re.compile(r"^[0-9]{1,5}$")
_SHOWN_PROBLEMS = 5
_SHOWN_NAME_CHARS = 40
_HTTP_KEYS = ("httpMethod", "requestContext", "rawPath", "routeKey")


def _encodable(value: str) -> str:
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("holds an unpaired surrogate") from None
    return value


def _address(value: str) -> str:
    # Any spelling folio.clientip reads (brackets and port, zone id, ::ffff:a.b.c.d) is one address.
    if parse_address(value) is None:
        raise ValueError("is not an IP address")
    return value


Text = Annotated[str, AfterValidator(_encodable)]
# An HTTP method is a token (RFC 9110): no spaces, no line breaks.
Method = Annotated[str, StringConstraints(pattern=r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$")]
RequestId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/=._:-]{1,128}$")]
Address = Annotated[str, AfterValidator(_address)]
Headers = dict[Text, Text]
MultiHeaders = dict[Text, list[Text]]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)


class _Request(_Strict):
    body: Text | None = None
    isBase64Encoded: bool = False

    def header_values(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    @model_validator(mode="after")
    def _readable(self) -> Self:
        if self.isBase64Encoded and self.body:
            try:
                base64.b64decode(self.body, validate=True)
            except binascii.Error:
                raise ValueError("the body is marked base64 but is not valid base64") from None
        _check_server_headers(self.header_values())
        return self


def _check_server_headers(headers: list[tuple[str, str]]) -> None:
    """Mangum turns Host (or X-Forwarded-Port) into the server's port with int()."""
    for name, value in headers:
        key = name.lower()
        if key == "host" and ":" in value:
            _, _, port = value.partition(":")
            if not _PORT.match(port):
                raise ValueError("the host header is not host or host:port")
        elif key == "x-forwarded-port" and not _PORT.match(value):
            raise ValueError("the x-forwarded-port header is not a port number")


class _V2Http(_Strict):
    method: Method
    path: Text
    sourceIp: Address


class _V2Context(_Strict):
    http: _V2Http
    requestId: RequestId | None = None


class FunctionUrlEvent(_Request):
    """A Function URL or HTTP API payload 2.0 event: what the SAM template deploys."""

    version: Literal["2.0"]
    requestContext: _V2Context
    headers: Headers = Field(default_factory=dict)
    rawQueryString: Text = ""
    cookies: list[Text] | None = None

    def header_values(self) -> list[tuple[str, str]]:
        return list(self.headers.items())


class _Identity(_Strict):
    sourceIp: Address


class _V1Context(_Strict):
    identity: _Identity
    requestId: RequestId | None = None


class RestApiEvent(_Request):
    """An API Gateway REST or HTTP API payload 1.0 event."""

    httpMethod: Method
    path: Text
    requestContext: _V1Context
    headers: Headers | None = None
    multiValueHeaders: MultiHeaders | None = None
    queryStringParameters: Headers | None = None
    multiValueQueryStringParameters: MultiHeaders | None = None

    def header_values(self) -> list[tuple[str, str]]:
        return _all_headers(self.headers, self.multiValueHeaders)


class _AlbContext(_Strict):
    elb: dict[str, Any]


class AlbEvent(_Request):
    """An Application Load Balancer event: Mangum reads `headers`, or `multiValueHeaders` when present."""

    httpMethod: Method
    path: Text | None
    requestContext: _AlbContext
    headers: Headers | None = None
    multiValueHeaders: MultiHeaders | None = None
    queryStringParameters: dict[Text, Text | list[Text]] | None = None
    multiValueQueryStringParameters: dict[Text, Text | list[Text]] | None = None

    def header_values(self) -> list[tuple[str, str]]:
        return _all_headers(self.headers, self.multiValueHeaders)

    @model_validator(mode="after")
    def _has_headers(self) -> Self:
        if "multiValueHeaders" in self.model_fields_set:
            if self.multiValueHeaders is None:
                raise ValueError("multiValueHeaders is present but not an object")
        elif self.headers is None:
            raise ValueError("headers (or multiValueHeaders) are required")
        return self


def _all_headers(single: Headers | None, multi: MultiHeaders | None) -> list[tuple[str, str]]:
    pairs = list((single or {}).items())
    return pairs + [(name, value) for name, values in (multi or {}).items() for value in values]


def is_http_event(event: object) -> bool:
    """Shaped like an HTTP request (well-formed or not), as opposed to a notification or a ping."""
    return isinstance(event, dict) and any(key in event for key in _HTTP_KEYS)


def check_http_event(event: dict[str, Any]) -> None:
    """Raise BadRequest naming what is wrong unless Mangum can read this event as its shape.

    The shape is picked the way Mangum picks its handler (ALB, then a `version`ed HTTP API event,
    then API Gateway REST); an event none of them would take is held to the Function URL shape.
    """
    try:
        _shape(event).model_validate(event)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        shown = "; ".join(problems[:_SHOWN_PROBLEMS])
        more = f" (and {len(problems) - _SHOWN_PROBLEMS} more)" if len(problems) > _SHOWN_PROBLEMS else ""
        raise BadRequest(f"The Lambda event is not a well-formed HTTP request: {shown}{more}.") from exc


def _shape(event: dict[str, Any]) -> type[_Request]:
    context = event.get("requestContext")
    if isinstance(context, dict) and "elb" in context:
        return AlbEvent
    if event.get("version") == "1.0" or ("resource" in event and "version" not in event):
        return RestApiEvent
    return FunctionUrlEvent


def _describe(error: Any, root: str = "event") -> str:
    """One problem in folio's words (pydantic's name its own classes)."""
    where = ".".join(_printable(str(part)) for part in error["loc"]) or root
    if error["type"] == "value_error":
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    return f"{where}: {_PROBLEMS.get(error['type'], 'is not valid')}"


_PROBLEMS = {
    "missing": "is required",
    "string_type": "must be a string",
    "string_unicode": "holds an unpaired surrogate",
    "string_pattern_mismatch": "is not well-formed",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "literal_error": "has a value folio does not read",
}


def _printable(part: str) -> str:
    """A location as it can be answered: header names are the sender's, of any length or encoding."""
    text = part.encode("utf-8", "replace").decode()
    return text if len(text) <= _SHOWN_NAME_CHARS else f"{text[:_SHOWN_NAME_CHARS]}…"


# --- S3 notifications --------------------------------------------------------------------


class _S3Object(_Strict):
    key: Text
    sequencer: Text = ""


class _S3Bucket(_Strict):
    name: Text


class _S3Entity(_Strict):
    bucket: _S3Bucket
    object: _S3Object


class S3Record(_Strict):
    eventName: Text
    s3: _S3Entity


def s3_records(event: dict[str, Any]) -> tuple[list[S3Record], list[str]]:
    """The S3 records of a notification, and what is wrong with those that cannot be read.

    Records from other sources are not ours and are left out; a record that is not an object cannot
    say where it is from, so it counts as broken.
    """
    raw = event.get("Records", [])
    if not isinstance(raw, list):
        return [], ["Records: not a list"]
    found: list[S3Record] = []
    problems: list[str] = []
    for n, record in enumerate(raw):
        if isinstance(record, dict) and record.get("eventSource") != "aws:s3":
            continue
        try:
            found.append(S3Record.model_validate(record))
        except ValidationError as exc:
            problems.append(f"Records[{n}]: " + "; ".join(_describe(e, "record") for e in exc.errors()[:3]))
    return found, problems
