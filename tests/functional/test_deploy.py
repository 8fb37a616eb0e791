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

from folio.handlers import lambda_handler
from folio.notifications import ingest_on_s3_notification
from folio.secrets import OPTIONAL
from tests.support.aws import moto_endpoint
from tests.support.lambdas import body_of, context, load_event, streamed
from tests.support.template import REGION, Deployment

if TYPE_CHECKING:
    from collections.abc import Iterator

    from folio.handlers import EventHandler

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
ORIGIN = "https://maya.example.dev"
PUT_PARAMETER = re.compile(r"^aws ssm put-parameter .*--name (?P<name>\S+) .*$", re.MULTILINE)


def _readme_parameters() -> dict[str, str]:
    """Each SSM parameter the README's deploy steps create: "optional", "server-side" (its mode
    only) or "required"."""
    readme = (ROOT / "README.md").read_text()
    return {
        m["name"]: "optional"
        if "# optional" in m.group(0)
        else "server-side"
        if "# server-side" in m.group(0)
        else "required"
        for m in PUT_PARAMETER.finditer(readme)
    }


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
    with moto_endpoint(monkeypatch, REGION) as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        yield endpoint


def _deployed(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    function: str,
    environment: dict[str, str],
    on_event: EventHandler | None = None,
) -> Any:
    """The function as its handler module builds it on Lambda: settings from the environment alone;
    answering as its Function URL's invoke mode has it answered (the chat's streams)."""
    import importlib

    monkeypatch.chdir(tmp_path)  # no .env of the repository
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", f"folio-{function}")
    app = importlib.import_module(f"functions.{function}.app").create_app()
    for name in environment:
        monkeypatch.delenv(name)  # built: the next function gets only its own environment
    handler = lambda_handler(app, on_event=on_event)
    if environment.get("FOLIO_LAMBDA_INVOKE_MODE") == "response_stream":
        return lambda event, _context: streamed(handler, event)
    return handler


def test_the_readme_creates_every_parameter_the_template_names() -> None:
    created = _readme_parameters()
    public = _secret_parameters(Deployment({"AllowedOrigins": ORIGIN}).environment("ChatFunction"))
    assert set(public.values()) == {name for name, kind in created.items() if kind != "server-side"}, (
        "a parameter the public-mode template names but no step creates, or vice versa"
    )
    (keys,) = [name for name, kind in created.items() if kind == "server-side"]
    server_side = Deployment({"AllowedOrigins": ORIGIN, "ApiKeysParameter": keys}).environment("ChatFunction")
    assert set(_secret_parameters(server_side).values()) == set(created)
    optional = {public[setting] for setting in OPTIONAL}
    assert {name for name, kind in created.items() if kind == "optional"} == optional


def _documents_bucket(deployment: Deployment) -> str:
    name: str = deployment.evaluate(deployment.template["Resources"]["DocsBucket"]["Properties"]["BucketName"])
    return name


def _event(bucket: str, key: str) -> dict[str, Any]:
    event = load_event("s3-object-created.json")
    record = event["Records"][0]
    record["s3"]["bucket"] |= {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}
    record["s3"]["object"]["key"] = key
    return event


def test_the_default_deployment_reindexes_into_s3_and_chat_answers_from_it(
    aws: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN a default deployment: the README's parameters (the optional ones skipped), its stack
    ssm = boto3.client("ssm", region_name=REGION)
    values = {}
    for name, kind in _readme_parameters().items():
        if kind == "required":
            values[name] = secrets.token_hex(24)
            ssm.put_parameter(Name=name, Value=values[name], Type="SecureString")
    deployment = Deployment({"AllowedOrigins": ORIGIN})
    bucket = _documents_bucket(deployment)
    ingest_env, chat_env = deployment.environment("IngestFunction"), deployment.environment("ChatFunction")
    assert ingest_env["FOLIO_INDEX_URI"] == chat_env["FOLIO_INDEX_URI"] == f"s3://{bucket}/index"
    assert deployment.condition("IndexInS3"), "the functions get the policies for an index in S3"
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=bucket)
    # Only the S3 endpoint and a prompt index refresh differ from what the template gives.
    test_only = {"FOLIO_S3_ENDPOINT_URL": aws, "FOLIO_INDEX_REFRESH_SECONDS": "0"}
    chat = _deployed(monkeypatch, tmp_path, "chat", chat_env | test_only)
    assert chat_env["FOLIO_LAMBDA_INVOKE_MODE"] == "response_stream", "the chat's answers are streamed"
    assert "api_keys" not in _secret_parameters(chat_env), "public mode: no API key"
    question = load_event("chat.json")
    before = chat(question, context("folio-chat"))
    assert before["statusCode"] == 503 and body_of(before)["error"]["code"] == "unavailable", "no index yet"

    # WHEN the owner uploads the documents (README: aws s3 sync knowledge/ s3://BUCKET/docs/) and S3
    # notifies the ingest function
    prefix = deployment.values["DocumentsPrefix"]
    for path in sorted(KNOWLEDGE.rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), bucket, f"{prefix}{path.relative_to(KNOWLEDGE).as_posix()}")
    ingest = _deployed(monkeypatch, tmp_path, "ingest", ingest_env | test_only, on_event=ingest_on_s3_notification)
    done = ingest(_event(bucket, f"{prefix}resume.md"), context("folio-ingest"))

    # THEN the index is written to the bucket, beside the documents, and the running chat answers from it
    assert done["ok"] and done["summary"]["added"] > 0, done
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(key.startswith("index/") for key in keys) and not any(key.startswith(f"{prefix}index") for key in keys)
    for response in (chat(question, context("folio-chat")), chat(question, context("folio-chat"))):
        assert response["statusCode"] == 200, body_of(response)
        answer = body_of(response)
        assert answer["provider"] == "extractive", "no Groq key: its parameter does not exist"
        assert answer["grounded"] and "A-" in answer["answer"]
    foreign = load_event("chat.json", headers={"origin": "https://elsewhere.example"})
    assert chat(foreign, context("folio-chat"))["statusCode"] == 403, "public mode: only the site's origins"


def test_the_readme_uploads_the_documents_under_the_templates_prefix() -> None:
    readme = (ROOT / "README.md").read_text()
    prefix = Deployment({"AllowedOrigins": ORIGIN}).values["DocumentsPrefix"]
    assert re.search(rf"^aws s3 sync knowledge/ \S+/{prefix}\S*\s", readme, re.MULTILINE)
