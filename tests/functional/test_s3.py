"""Documents and index in S3 (moto in server mode: LanceDB's own S3 client needs an endpoint)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from folio.handlers import lambda_handler
from folio.index import NOT_BUILT, UNREADABLE
from folio.notifications import ingest_on_s3_notification
from functions.chat.app import create_app as chat_app
from functions.ingest.app import create_app as ingest_app
from tests.conftest import ADMIN_KEY
from tests.support.aws import moto_endpoint
from tests.support.damage import assert_no_internals
from tests.support.lambdas import body_of, context, load_event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.runtime import Runtime
    from folio.settings import Settings

KB_ALT = Path(__file__).resolve().parents[1] / "data" / "kb_alt"
BUCKET = "folio-test-docs"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    with moto_endpoint(monkeypatch) as endpoint:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        for path in KB_ALT.iterdir():
            client.upload_file(str(path), BUCKET, f"docs/{path.name}")
        yield endpoint, client


def _notification(key: str, sequencer: str, name: str = "ObjectCreated:Put") -> dict[str, Any]:
    event = copy.deepcopy(load_event("s3-object-created.json"))
    record = event["Records"][0]
    record["eventName"] = name
    record["s3"]["bucket"]["name"] = BUCKET
    record["s3"]["object"].update(key=key, sequencer=sequencer)
    return event


def test_s3_notifications_reindex_once_and_chat_answers_from_the_s3_index(
    s3: tuple[str, Any], make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> None:
    endpoint, client = s3
    settings = make_settings(
        docs_dir=f"s3://{BUCKET}/docs/",
        index_uri=f"s3://{BUCKET}/index",
        s3_endpoint_url=endpoint,
        aws_region="us-east-1",
        ip_burst_per_minute=100,
    )
    ingest = lambda_handler(ingest_app(settings, make_runtime(settings)), on_event=ingest_on_s3_notification)

    first = ingest(_notification("docs/resume.md", "0055AED6DCD90281E5"), context())
    assert first["duplicate"] is False and first["summary"]["files"] == 4 and first["summary"]["added"] > 0
    assert ingest(_notification("docs/resume.md", "0055AED6DCD90281E5"), context()) == {"ok": True, "duplicate": True}
    assert any(o["Key"].startswith("index/") for o in client.list_objects_v2(Bucket=BUCKET)["Contents"])

    client.put_object(Bucket=BUCKET, Key="docs/hobbies.md", Body=b"# Hobbies\n\nRafael restores old sailing dinghies.")
    second = ingest(_notification("docs/hobbies.md", "0055AED6DCD90281F1"), context())
    assert second["summary"]["added"] == 1 and second["summary"]["embedded"] == 1
    client.delete_object(Bucket=BUCKET, Key="docs/hobbies.md")
    removed = ingest(_notification("docs/hobbies.md", "0055AED6DCD90281F9", "ObjectRemoved:Delete"), context())
    assert removed["summary"]["removed"] == 1

    assert ingest(_notification("elsewhere/x.md", "01"), context())["ignored"].startswith("no change under")
    assert ingest({"source": "aws.events"}, context())["ignored"] == "not an S3 notification"

    chat = lambda_handler(chat_app(settings, make_runtime(settings)))
    event = load_event("chat.json")
    event["body"] = json.dumps({"message": "What does Rafael work on?"})
    response = chat(event, context())
    assert response["statusCode"] == 200, response
    answer = body_of(response)
    assert answer["grounded"] and answer["sources"]


def test_unreadable_bucket_is_503_not_a_crash(
    s3: tuple[str, Any], make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> None:
    endpoint, _ = s3
    settings = make_settings(docs_dir="s3://no-such-bucket-here/docs/", s3_endpoint_url=endpoint, admin_key="a" * 20)
    ingest = lambda_handler(ingest_app(settings, make_runtime(settings)))
    response = ingest(load_event("ingest.json", headers={"authorization": "Bearer " + "a" * 20}), context())
    assert response["statusCode"] == 503
    assert "cannot be read" in body_of(response)["error"]["message"]


def test_an_unreadable_s3_index_answers_503_without_internals(
    s3: tuple[str, Any], make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> None:
    """No index in the bucket yet, a bucket that does not exist, then an index whose manifests are garbage."""
    from folio.index import Index
    from folio.ingest import run_ingest
    from functions.health.app import create_app as health_app

    endpoint, client = s3
    admin = {"authorization": f"Bearer {ADMIN_KEY}"}

    def answers(index_uri: str) -> list[dict[str, Any]]:
        settings = make_settings(
            index_uri=index_uri, s3_endpoint_url=endpoint, aws_region="us-east-1", admin_key=ADMIN_KEY
        )
        chat = lambda_handler(chat_app(settings, make_runtime(settings)))
        health = lambda_handler(health_app(settings, make_runtime(settings)))
        return [
            chat(load_event("chat.json"), context()),
            health(load_event("health-ready.json"), context()),
            health(load_event("health-detailed.json", headers=admin), context()),
        ]

    def check(responses: list[dict[str, Any]], message: str, *locations: str) -> None:
        assert [r["statusCode"] for r in responses] == [503, 503, 503]
        assert body_of(responses[0])["error"]["message"] == message
        assert body_of(responses[1])["error"]["message"] == f"index: {message}"
        assert body_of(responses[2])["checks"]["index"] == {"ok": False, "error": message}
        for response in responses:
            assert_no_internals(response["body"], *locations)

    # moto keeps one store for every server in the process: a prefix no other test writes.
    location = f"s3://{BUCKET}/unreadable-index"
    check(answers(location), NOT_BUILT, BUCKET)
    check(answers("s3://no-such-index-bucket/index"), UNREADABLE, "no-such-index-bucket")

    settings = make_settings(index_uri=location, s3_endpoint_url=endpoint, aws_region="us-east-1")
    run_ingest(
        KB_ALT, Index(settings.index_uri, storage_options=settings.storage_options()), make_runtime(settings).embedder
    )
    manifests = client.list_objects_v2(Bucket=BUCKET, Prefix="unreadable-index/chunks.lance/_versions/")["Contents"]
    for item in manifests:
        if item["Key"].endswith(".manifest"):
            client.put_object(Bucket=BUCKET, Key=item["Key"], Body=b"garbage, not a manifest" * 20)
    check(answers(location), UNREADABLE, BUCKET)


def test_notification_keys_are_url_decoded() -> None:
    from folio.notifications import changes

    event = _notification("docs/my+cv%281%29.md", "1")
    found, problems = changes(event)
    assert found[0].key == "docs/my cv(1).md" and problems == []
