"""Secrets from SSM Parameter Store through Powertools Parameters (moto), including rotation."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from folio.errors import Unavailable
from folio.secrets import Secrets

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
