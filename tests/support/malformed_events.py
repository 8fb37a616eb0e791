"""A corpus of malformed Lambda events, built from the committed ones in events/.

Each case is what a direct invocation, a test console or a misconfigured trigger can send: every
one must get a Lambda response from every function, never an exception. Kinds:

- "http": shaped like an HTTP request but not a well-formed one: a 400 in the error shape;
- "notification": a broken S3 notification: the ingest function logs and rejects it (no retry);
- "other": not an HTTP event and not a notification: ignored.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from tests.support.lambdas import load_event

Kind = Literal["http", "notification", "other"]
_MISSING = object()


@dataclass(frozen=True)
class Case:
    name: str
    event: Any
    kind: Kind


def _changed(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of base with the dotted path set to value (or removed, for _MISSING)."""
    event = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = event
    for key in parents:
        node = node[key]
    if value is _MISSING:
        node.pop(last, None)
    else:
        node[last] = value
    return event


def _function_url_cases() -> list[Case]:
    chat = load_event("chat.json")
    health = load_event("health.json")
    mutations: list[tuple[str, dict[str, Any], str, Any]] = [
        ("v2 without sourceIp", chat, "requestContext.http.sourceIp", _MISSING),
        ("v2 sourceIp null", chat, "requestContext.http.sourceIp", None),
        ("v2 sourceIp int", chat, "requestContext.http.sourceIp", 203),
        ("v2 sourceIp not an address", chat, "requestContext.http.sourceIp", "not-an-address"),
        ("v2 sourceIp empty", health, "requestContext.http.sourceIp", ""),
        ("v2 without http.method", chat, "requestContext.http.method", _MISSING),
        ("v2 method null", chat, "requestContext.http.method", None),
        ("v2 method int", health, "requestContext.http.method", 7),
        ("v2 method empty", health, "requestContext.http.method", ""),
        ("v2 method with CRLF", health, "requestContext.http.method", "GET\r\nX-Injected: 1"),
        ("v2 method list", health, "requestContext.http.method", ["GET"]),
        ("v2 without http.path", health, "requestContext.http.path", _MISSING),
        ("v2 path int", health, "requestContext.http.path", 42),
        ("v2 path null", health, "requestContext.http.path", None),
        ("v2 path with a raw surrogate", health, "requestContext.http.path", "/health\udcff"),
        ("v2 without http", health, "requestContext.http", _MISSING),
        ("v2 http null", health, "requestContext.http", None),
        ("v2 http string", health, "requestContext.http", "GET /health"),
        ("v2 http list", health, "requestContext.http", [{"method": "GET"}]),
        ("v2 without requestContext", chat, "requestContext", _MISSING),
        ("v2 requestContext null", chat, "requestContext", None),
        ("v2 requestContext string", chat, "requestContext", "http"),
        ("v2 requestContext int", chat, "requestContext", 5),
        ("v2 requestContext list", chat, "requestContext", [{"http": {}}]),
        ("v2 requestId dict", health, "requestContext.requestId", {"id": 1}),
        ("v2 requestId with a raw surrogate", health, "requestContext.requestId", "req-\ud800"),
        ("v2 requestId with CRLF", health, "requestContext.requestId", "id\r\nset-cookie: a=b"),
        ("v2 version int", health, "version", 2),
        ("v2 version null", health, "version", None),
        ("v2 headers null", health, "headers", None),
        ("v2 headers list", health, "headers", [["host", "example.com"]]),
        ("v2 headers string", health, "headers", "host: example.com"),
        ("v2 header value int", chat, "headers.content-length", 60),
        ("v2 header value null", chat, "headers.origin", None),
        ("v2 header value list", chat, "headers.accept", ["application/json"]),
        ("v2 header value dict", chat, "headers.accept", {"type": "json"}),
        ("v2 header value bool", chat, "headers.x-api-key", True),
        ("v2 header value float", chat, "headers.content-length", 60.5),
        ("v2 header value with a raw surrogate", chat, "headers.user-agent", "agent\udc80"),
        ("v2 host with two colons", health, "headers.host", "a:b:c"),
        ("v2 host with a port that is not a number", health, "headers.host", "example.com:https"),
        ("v2 host only a colon", health, "headers.host", ":"),
        ("v2 x-forwarded-port not a number", health, "headers.x-forwarded-port", "four-four-three"),
        ("v2 x-forwarded-port 5000 digits", health, "headers.x-forwarded-port", "9" * 5000),
        ("v2 rawQueryString int", health, "rawQueryString", 1),
        ("v2 rawQueryString null", health, "rawQueryString", None),
        ("v2 rawQueryString with a raw surrogate", health, "rawQueryString", "q=\ud83d"),
        ("v2 cookies string", health, "cookies", "a=b"),
        ("v2 cookies with an int", health, "cookies", ["a=b", 3]),
        ("v2 cookies dict", health, "cookies", {"a": "b"}),
        ("v2 body dict", chat, "body", {"message": "What grade did she get?"}),
        ("v2 body int", chat, "body", 42),
        ("v2 body list", chat, "body", ["message"]),
        ("v2 body bool", chat, "body", True),
        ("v2 body float", chat, "body", 1.5),
        ("v2 body with a raw surrogate", chat, "body", '{"message": "What grade \ud800 did she get?"}'),
        ("v2 body with a lone low surrogate", chat, "body", '{"message": "\udfff"}'),
        ("v2 isBase64Encoded string", chat, "isBase64Encoded", "yes"),
        ("v2 isBase64Encoded int", chat, "isBase64Encoded", 1),
        ("v2 isBase64Encoded null", chat, "isBase64Encoded", None),
    ]
    cases = [Case(name, _changed(base, path, value), "http") for name, base, path, value in mutations]
    garbage_bodies = {
        "v2 base64 body with symbols": "!!!not base64!!!",
        "v2 base64 body with bad padding": "abc",
        "v2 base64 body with a space": "eyJtZXNz YWdlIjogImhpIn0=",
        "v2 base64 body of raw JSON": '{"message": "hi"}',
        "v2 base64 body with a raw surrogate": "eyJt\ud800",
    }
    for name, body in garbage_bodies.items():
        event = _changed(chat, "body", body)
        event["isBase64Encoded"] = True
        cases.append(Case(name, event, "http"))
    return cases


def rest_api_event() -> dict[str, Any]:
    """An API Gateway REST (payload 1.0) event for the health route, built from the v2 one."""
    v2 = load_event("health.json")
    return {
        "resource": "/{proxy+}",
        "path": "/health",
        "httpMethod": "GET",
        "headers": dict(v2["headers"]),
        "multiValueHeaders": {name: [value] for name, value in v2["headers"].items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def alb_event() -> dict[str, Any]:
    rest = rest_api_event()
    return {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-north-1:1:targetgroup/folio/1"}},
        "httpMethod": "GET",
        "path": "/health",
        "queryStringParameters": {},
        "headers": {**rest["headers"], "x-forwarded-for": "203.0.113.9"},
        "body": "",
        "isBase64Encoded": False,
    }


def _other_http_cases() -> list[Case]:
    rest, alb = rest_api_event(), alb_event()
    mutations: list[tuple[str, dict[str, Any], str, Any]] = [
        ("v1 without httpMethod", rest, "httpMethod", _MISSING),
        ("v1 httpMethod int", rest, "httpMethod", 1),
        ("v1 without path", rest, "path", _MISSING),
        ("v1 path list", rest, "path", ["/health"]),
        ("v1 headers list", rest, "headers", ["host"]),
        ("v1 header value int", rest, "headers.accept", 1),
        ("v1 multiValueHeaders with an int", rest, "multiValueHeaders.accept", [1]),
        ("v1 multiValueHeaders list", rest, "multiValueHeaders", ["accept"]),
        ("v1 queryStringParameters string", rest, "queryStringParameters", "a=b"),
        ("v1 queryStringParameters list", rest, "queryStringParameters", [["a", "b"]]),
        ("v1 multiValueQueryStringParameters string", rest, "multiValueQueryStringParameters", "a=b"),
        ("v1 identity null", rest, "requestContext.identity", None),
        ("v1 identity list", rest, "requestContext.identity", ["203.0.113.9"]),
        ("v1 requestContext string", rest, "requestContext", "identity"),
        ("v1 body dict", rest, "body", {"a": 1}),
        ("v1 host with a bad port", rest, "headers.host", "example.com:port"),
        ("alb without headers", alb, "headers", _MISSING),
        ("alb headers null", alb, "headers", None),
        ("alb without path", alb, "path", _MISSING),
        ("alb header value int", alb, "headers.accept", 3),
        ("alb multiValueHeaders null", alb, "multiValueHeaders", None),
        ("alb httpMethod null", alb, "httpMethod", None),
        ("alb queryStringParameters string", alb, "queryStringParameters", "a=b"),
        ("alb body int", alb, "body", 12),
    ]
    cases = [Case(name, _changed(base, path, value), "http") for name, base, path, value in mutations]
    cases += [
        Case("only httpMethod", {"httpMethod": "GET"}, "http"),
        Case("httpMethod and path", {"httpMethod": "GET", "path": "/health"}, "http"),
        Case("httpMethod null", {"httpMethod": None}, "http"),
        Case("only requestContext", {"requestContext": {}}, "http"),
        Case("requestContext null", {"requestContext": None}, "http"),
        Case("requestContext with an empty http", {"requestContext": {"http": {}}}, "http"),
        Case("requestContext elb as a string", {"requestContext": "elb"}, "http"),
        Case("only rawPath", {"rawPath": "/health"}, "http"),
        Case("only routeKey", {"routeKey": "$default"}, "http"),
        Case("version and requestContext only", {"version": "2.0", "requestContext": {}}, "http"),
        Case("payload 1.0 without httpMethod", {"version": "1.0", "requestContext": {}, "path": "/health"}, "http"),
        Case("resource and requestContext only", {"resource": "/", "requestContext": {}}, "http"),
    ]
    return cases


def _notification_cases() -> list[Case]:
    s3 = load_event("s3-object-created.json")
    record = s3["Records"][0]
    bad_records: dict[str, Any] = {
        "S3 record without s3": _changed(record, "s3", _MISSING),
        "S3 record s3 null": _changed(record, "s3", None),
        "S3 record s3 string": _changed(record, "s3", "bucket/key"),
        "S3 record without bucket": _changed(record, "s3.bucket", _MISSING),
        "S3 record bucket null": _changed(record, "s3.bucket", None),
        "S3 record bucket name int": _changed(record, "s3.bucket.name", 7),
        "S3 record without object": _changed(record, "s3.object", _MISSING),
        "S3 record without key": _changed(record, "s3.object.key", _MISSING),
        "S3 record key null": _changed(record, "s3.object.key", None),
        "S3 record key int": _changed(record, "s3.object.key", 12),
        "S3 record key list": _changed(record, "s3.object.key", ["docs/resume.md"]),
        "S3 record key with a raw surrogate": _changed(record, "s3.object.key", "docs/r\udce9sum\udce9.md"),
        "S3 record sequencer dict": _changed(record, "s3.object.sequencer", {"n": 1}),
        "S3 record without eventName": _changed(record, "eventName", _MISSING),
        "S3 record eventName int": _changed(record, "eventName", 3),
    }
    cases = [Case(name, {"Records": [bad]}, "notification") for name, bad in bad_records.items()]
    cases += [
        Case("Records null", {"Records": None}, "notification"),
        Case("Records string", {"Records": "s3"}, "notification"),
        Case("Records dict", {"Records": {"eventSource": "aws:s3"}}, "notification"),
        Case("Records int", {"Records": 1}, "notification"),
        Case("Records with null", {"Records": [None]}, "notification"),
        Case("Records with an int", {"Records": [1]}, "notification"),
        Case("Records with a string", {"Records": ["aws:s3"]}, "notification"),
        Case("Records with a list", {"Records": [[record]]}, "notification"),
        Case("S3 record source only", {"Records": [{"eventSource": "aws:s3"}]}, "notification"),
    ]
    return cases


def _other_cases() -> list[Case]:
    return [
        Case("null", None, "other"),
        Case("empty list", [], "other"),
        Case("list of events", [load_event("health.json")], "other"),
        Case("string", "GET /health", "other"),
        Case("int", 0, "other"),
        Case("true", True, "other"),
        Case("empty object", {}, "other"),
        Case("scheduled event", {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}, "other"),
        Case("no records", {"Records": []}, "other"),
        Case("SQS record", {"Records": [{"eventSource": "aws:sqs", "body": "x"}]}, "other"),
    ]


CASES: list[Case] = [*_function_url_cases(), *_other_http_cases(), *_notification_cases(), *_other_cases()]
