"""Secrets from SSM Parameter Store through Powertools Parameters (moto), including rotation."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from folio.errors import Unavailable
from folio.secrets import Secrets
from tests.support.processes import free_port

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.settings import Settings

Serve = Any
Q = {"message": "What grade did she get in Database Internals?"}


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("ssm", region_name="us-east-1")
        client.put_parameter(Name="/folio/api-keys", Value="key-one-0123456789abc", Type="SecureString")
        client.put_parameter(Name="/folio/admin-key", Value="admin-0123456789abcdef", Type="SecureString")
        client.put_parameter(Name="/folio/groq-api-key", Value="gsk_from_ssm_0123456789", Type="SecureString")
        yield client


def test_api_keys_come_from_ssm_and_rotation_is_picked_up_after_the_cache_age(
    ssm: Any, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(api_keys_parameter="/folio/api-keys", secrets_max_age_seconds=1)
    secrets = Secrets(settings)
    assert secrets.api_keys() == ["key-one-0123456789abc"]
    ssm.put_parameter(Name="/folio/api-keys", Value="key-two-0123456789abc,key-three-0123456789", Overwrite=True)
    assert secrets.api_keys() == ["key-one-0123456789abc"], "cached until the age passes"
    time.sleep(1.2)
    assert secrets.api_keys() == ["key-two-0123456789abc", "key-three-0123456789"]


def test_a_missing_parameter_is_unavailable_not_a_crash(ssm: Any, make_settings: Callable[..., Settings]) -> None:
    secrets = Secrets(make_settings(admin_key_parameter="/folio/nope"))
    with pytest.raises(Unavailable, match="admin_key"):
        secrets.value("admin_key")


def test_chat_and_admin_routes_use_the_ssm_keys(ssm: Any, serve: Serve) -> None:
    client = serve(
        env="production",
        api_keys_parameter="/folio/api-keys",
        admin_key_parameter="/folio/admin-key",
        groq_api_key_parameter="/folio/groq-api-key",
        session_secret="s" * 40,
        allowed_origins=["https://maya.example.dev"],
        groq_base_url="http://127.0.0.1:9",
        llm_connect_timeout_seconds=0.2,
        llm_max_retries=0,
    )
    assert client.post("/api/chat", json=Q).status_code == 401
    ok = client.post("/api/chat", json=Q, headers={"x-api-key": "key-one-0123456789abc"})
    assert ok.status_code == 200
    assert ok.json()["provider"] == "extractive", "Groq configured from SSM but unreachable: the chain fell through"
    admin = {"authorization": "Bearer admin-0123456789abcdef"}
    detailed = client.get("/health/detailed", headers=admin).json()
    assert detailed["checks"]["llm"]["providers"] == ["groq:llama-3.1-8b-instant"]
    assert client.get("/health/detailed", headers={"authorization": "Bearer wrong"}).status_code == 401


def test_an_absent_optional_secret_is_not_configured_and_logged_once(
    ssm: Any, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN names for the optional secrets whose parameters were never created
    caplog.set_level(logging.WARNING, logger="folio.secrets")
    secrets = Secrets(
        make_settings(
            groq_api_key_parameter="/folio/no-groq-key",
            upstash_redis_rest_url_parameter="/folio/no-upstash-url",
            upstash_redis_rest_token_parameter="/folio/no-upstash-token",
        )
    )
    # WHEN read (twice) THEN they are not configured, as if no name had been given, said once each
    for _ in range(2):
        assert secrets.value("groq_api_key") is None
        assert secrets.value("upstash_redis_rest_url") is None
        assert secrets.value("upstash_redis_rest_token") is None
    said = [r for r in caplog.records if r.getMessage().startswith("optional secret not configured")]
    assert sorted(r.__dict__["secret"] for r in said) == [
        "groq_api_key",
        "upstash_redis_rest_token",
        "upstash_redis_rest_url",
    ]
    # AND created later, the parameter is read (nothing remembers the absence)
    ssm.put_parameter(Name="/folio/no-groq-key", Value="gsk_created_later_0123456789", Type="SecureString")
    assert secrets.value("groq_api_key") == "gsk_created_later_0123456789"


def test_a_required_secret_whose_parameter_is_absent_stays_unavailable(
    ssm: Any, make_settings: Callable[..., Settings]
) -> None:
    secrets = Secrets(make_settings(session_secret_parameter="/folio/no-session-secret"))
    with pytest.raises(Unavailable, match="session_secret"):
        secrets.value("session_secret")


@pytest.fixture
def unreachable_ssm(monkeypatch: pytest.MonkeyPatch) -> None:
    """SSM's endpoint is a closed local port: a connection error, not ParameterNotFound."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("unreachable_ssm")
def test_an_unreachable_ssm_is_unavailable_even_for_an_optional_secret(make_settings: Callable[..., Settings]) -> None:
    secrets = Secrets(make_settings(groq_api_key_parameter="/folio/groq-api-key"))
    with pytest.raises(Unavailable, match="groq_api_key secret cannot be read right now"):
        secrets.value("groq_api_key")


@pytest.mark.usefixtures("unreachable_ssm")
def test_the_server_starts_when_the_store_credentials_cannot_be_read(serve: Serve) -> None:
    # GIVEN Upstash credentials in an SSM that does not answer
    # WHEN the server starts (its start-up checks the store) THEN it serves, and says what is wrong
    client = serve(
        upstash_redis_rest_url_parameter="/folio/upstash-redis-rest-url",
        upstash_redis_rest_token_parameter="/folio/upstash-redis-rest-token",
        admin_key="admin-0123456789abcdef",
    )
    assert client.get("/health/live").status_code == 200
    refused = client.post("/api/chat", json=Q)
    assert refused.status_code == 503
    assert refused.json()["error"]["message"] == "the upstash_redis_rest_url secret cannot be read right now"
    detailed = client.get("/health/detailed", headers={"authorization": "Bearer admin-0123456789abcdef"})
    assert detailed.status_code == 503
    assert detailed.json()["error"]["message"] == "the upstash_redis_rest_url secret cannot be read right now"
