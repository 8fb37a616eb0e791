"""The README's AWS deployment, step by step, under moto: the SSM parameters its commands create and
the environment infra/sam-template.yaml gives each function, then the Lambda handlers themselves.

moto runs as a server (LanceDB's own S3 client needs an endpoint): boto3 reaches it through
AWS_ENDPOINT_URL, LanceDB through FOLIO_S3_ENDPOINT_URL, the one setting the template does not set.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from folio.handlers import lambda_handler
from folio.secrets import OPTIONAL
from tests.support.lambdas import body_of, context, load_event
from tests.support.template import REGION, Deployment

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "https://maya.example.dev"
PUT_PARAMETER = re.compile(r"^aws ssm put-parameter .*--name (?P<name>\S+) .*$", re.MULTILINE)


def _readme_parameters() -> dict[str, bool]:
    """Each SSM parameter the README's deploy steps create, and whether the step says it is optional."""
    readme = (ROOT / "README.md").read_text()
    return {m["name"]: "# optional" in m.group(0) for m in PUT_PARAMETER.finditer(readme)}


def _secret_parameters(environment: dict[str, str]) -> dict[str, str]:
    """setting -> SSM parameter name, as the template passes them (FOLIO_SECRETS_<SETTING>_PARAMETER)."""
    found = {}
    for variable, value in environment.items():
        setting = variable.removeprefix("FOLIO_SECRETS_").removesuffix("_PARAMETER")
        if setting != variable and value:
            found[setting.lower()] = value
    return found


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    yield endpoint
    server.stop()


def _deployed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, function: str, environment: dict[str, str]) -> Any:
    """The function's handler module as Lambda runs it: settings from the environment alone."""
    import importlib

    monkeypatch.chdir(tmp_path)  # no .env of the repository
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", f"folio-{function}")
    app = importlib.import_module(f"functions.{function}.app").create_app()
    return lambda_handler(app)


def test_the_readme_creates_every_parameter_the_template_names() -> None:
    named = _secret_parameters(Deployment({"AllowedOrigins": ORIGIN}).environment("ChatFunction"))
    created = _readme_parameters()
    assert set(created) == set(named.values()), "a parameter the template names but no step creates, or vice versa"
    optional = {named[setting] for setting in OPTIONAL}
    assert {name for name, is_optional in created.items() if is_optional} == optional


def test_a_deployment_with_only_the_required_parameters_answers(
    aws: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sample_index: Path
) -> None:
    # GIVEN the README's steps, the optional ones skipped
    ssm = boto3.client("ssm", region_name=REGION)
    values = {}
    for name, optional in _readme_parameters().items():
        if not optional:
            values[name] = secrets.token_hex(24)
            ssm.put_parameter(Name=name, Value=values[name], Type="SecureString")
    environment = Deployment({"AllowedOrigins": ORIGIN}).environment("ChatFunction")
    environment["FOLIO_INDEX_URI"] = str(sample_index)
    # WHEN the chat function, configured by the template alone, is asked the README's question
    handler = _deployed(monkeypatch, tmp_path, "chat", environment)
    api_key = values[_secret_parameters(environment)["api_keys"]]
    event = load_event("chat.json", headers={"x-api-key": api_key})
    first, second = handler(event, context("folio-chat")), handler(event, context("folio-chat"))
    # THEN it answers from the documents, without Groq (its parameter does not exist)
    for response in (first, second):
        assert response["statusCode"] == 200, body_of(response)
        answer = body_of(response)
        assert answer["provider"] == "extractive" and answer["grounded"] and answer["sources"]
    assert handler(load_event("chat.json"), context("folio-chat"))["statusCode"] == 401, "the API key is required"
