"""Every setting folio reads, in one validated object built by the entrypoints."""

from __future__ import annotations

import difflib
import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from folio.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

CommaList = Annotated[list[str], NoDecode]
SecretList = Annotated[list[SecretStr], NoDecode]

# Values that mean "someone copied .env.example and never filled it in".
_PLACEHOLDERS = {"", "changeme", "change-me", "changethis", "secret", "password", "xxx", "todo", "test"}


def _env(name: str) -> AliasChoices:
    """Accept both FOLIO_NAME and, for the well-known ones, the bare name."""
    return AliasChoices(f"FOLIO_{name}", name)


def _secret(name: str) -> AliasChoices:
    return AliasChoices(f"FOLIO_SECRETS_{name}_PARAMETER")


# FOLIO_* names that are read before the settings, not by them: the container entrypoint's choice
# of function (folio.entrypoint).
NOT_SETTINGS = frozenset({"FOLIO_FUNCTION"})
ENV_FILE = ".env"


class _Refused(ValueError):
    """The model's own checks, each problem kept apart so that load_settings lists them one by one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FOLIO_",
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    env: Literal["development", "test", "production"] = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Other libraries' loggers (groq, httpx, botocore, lancedb...): their DEBUG lines carry whole
    # prompts and requests, so they follow this level, not log_level.
    log_library_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    # Visitors' questions are personal data: logged (truncated) only when this says so.
    log_questions: bool = False

    # Documents and index
    docs_dir: str = "knowledge"  # a folder, or s3://bucket/prefix
    index_uri: str = ".folio/index"
    index_table: str = "chunks"
    index_refresh_seconds: float = Field(10.0, ge=0)
    index_keep_versions_seconds: float = Field(3600.0, ge=60)
    chunk_chars: int = Field(800, ge=200, le=8000)
    chunk_overlap_chars: int = Field(120, ge=0, le=2000)

    # S3 (documents and index in a bucket); credentials come from the usual AWS variables or role
    aws_region: str | None = Field(None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    s3_endpoint_url: str | None = None  # an S3-compatible endpoint (MinIO, tests); unset for AWS

    # Observability: on Lambda (AWS_LAMBDA_FUNCTION_NAME is set there) metrics go out as EMF and
    # logs through Powertools Logger
    lambda_function_name: str | None = Field(None, validation_alias=AliasChoices("AWS_LAMBDA_FUNCTION_NAME"))
    metrics_namespace: str = Field("Folio", validation_alias=AliasChoices("POWERTOOLS_METRICS_NAMESPACE"))
    # How the function's Function URL is invoked (its InvokeMode), so the Lambda entrypoint answers
    # the way it expects: buffered (awslambdaric and Mangum) or response_stream (folio.runtime_api)
    lambda_invoke_mode: Literal["buffered", "response_stream"] = "buffered"

    # Embeddings
    model_path: Path | None = None
    tokenizer_path: Path | None = None
    # Texts per model run (padded to the longest), onnxruntime threads per run, and runs side by side
    # when one call embeds several batches (ingest): README "Performance"
    embed_batch_size: int = Field(1, ge=1, le=512)
    embed_threads: int = Field(1, ge=1, le=64)
    embed_workers: int = Field(2, ge=1, le=64)
    embed_max_tokens: int = Field(256, ge=16, le=512)

    # Answers
    owner_name: str = Field("the site owner", min_length=1, max_length=100)

    # Retrieval
    top_k: int = Field(5, ge=1, le=20)
    min_similarity: float = Field(0.15, ge=-1.0, le=1.0)
    query_cache_size: int = Field(1024, ge=0, le=1_000_000)

    # LLM chain: Groq, then Ollama, then the extractive answer
    groq_api_key: SecretStr | None = Field(None, validation_alias=_env("GROQ_API_KEY"))
    groq_base_url: str | None = Field(None, validation_alias=_env("GROQ_BASE_URL"))
    groq_model: str = "llama-3.1-8b-instant"
    ollama_url: str | None = Field(None, validation_alias=_env("OLLAMA_URL"))
    ollama_model: str = "llama3.2"
    llm_timeout_seconds: float = Field(20.0, gt=0, le=120)  # per read, connect and write
    llm_connect_timeout_seconds: float = Field(3.0, gt=0, le=30)
    llm_max_retries: int = Field(1, ge=0, le=3)
    # Total time: one provider (its retries included), then the whole chain; then the extractive answer
    llm_provider_deadline_seconds: float = Field(15.0, gt=0, le=120)
    llm_deadline_seconds: float = Field(20.0, gt=0, le=300)
    # Circuit breaker per provider (per process): open after this many failures in a row, for this long
    llm_breaker_failures: int = Field(3, ge=1, le=100)
    llm_breaker_cooldown_seconds: float = Field(30.0, gt=0, le=3600)
    llm_max_tokens: int = Field(400, ge=16, le=4096)
    llm_temperature: float = Field(0.2, ge=0, le=2)
    # A streamed answer (Accept: text/event-stream) sends a keep-alive comment after this long without an event
    stream_keepalive_seconds: float = Field(15.0, gt=0, le=300)

    # Shared state: Upstash REST (Lambda), Redis over TCP (VPS), else this process's memory
    upstash_redis_rest_url: str | None = Field(None, validation_alias=_env("UPSTASH_REDIS_REST_URL"))
    upstash_redis_rest_token: SecretStr | None = Field(None, validation_alias=_env("UPSTASH_REDIS_REST_TOKEN"))
    redis_url: SecretStr | None = Field(None, validation_alias=_env("REDIS_URL"))
    store_prefix: str = Field("folio", pattern=r"^[A-Za-z0-9_.:-]{1,40}$")
    store_timeout_seconds: float = Field(0.5, gt=0, le=10)
    store_retry_seconds: float = Field(5.0, ge=0, le=600)

    # Abuse and cost protection
    session_secret: SecretStr | None = None
    session_ttl_seconds: int = Field(21_600, ge=60, le=30 * 86_400)
    session_questions_per_hour: int = Field(20, ge=1)
    ip_sessions_per_window: int = Field(3, ge=1)
    ip_session_window_seconds: int = Field(21_600, ge=60)
    max_live_sessions: int = Field(1000, ge=1)
    # How much of max_live_sessions one client (an IPv4 address, an IPv6 prefix) may hold at once.
    client_session_share: float = Field(0.1, gt=0, le=1)
    ip_burst_per_minute: int = Field(10, ge=1)
    ip_questions_per_hour: int = Field(60, ge=1)
    trusted_proxies: CommaList = Field(default_factory=list)
    # IPv6 clients are counted by their network: a /64 is what one host or home is given.
    ipv6_prefix_length: int = Field(64, ge=32, le=128)
    history_turns: int = Field(4, ge=0, le=20)
    history_token_budget: int = Field(600, ge=0, le=8000)
    cache_ttl_seconds: int = Field(86_400, ge=0)
    budget_daily_llm_calls: int = Field(500, ge=0)
    budget_daily_llm_tokens: int = Field(500_000, ge=0)
    # With FOLIO_ENV=development only: loopback clients (make run, curl) are not rate limited
    dev_loopback_unlimited: bool = True
    # Feedback on answers (POST /api/feedback): per client (as above) and per session, per hour;
    # the store keeps the latest feedback_keep of them (a capped stream, trimmed approximately)
    feedback_ip_per_hour: int = Field(60, ge=1)
    feedback_session_per_hour: int = Field(30, ge=1)
    feedback_keep: int = Field(10_000, ge=100, le=1_000_000)

    # Secrets in SSM Parameter Store (names, not values): read at run time, cached this long
    api_keys_parameter: str | None = Field(None, validation_alias=_secret("API_KEYS"))
    admin_key_parameter: str | None = Field(None, validation_alias=_secret("ADMIN_KEY"))
    groq_api_key_parameter: str | None = Field(None, validation_alias=_secret("GROQ_API_KEY"))
    session_secret_parameter: str | None = Field(None, validation_alias=_secret("SESSION_SECRET"))
    upstash_redis_rest_url_parameter: str | None = Field(None, validation_alias=_secret("UPSTASH_REDIS_REST_URL"))
    upstash_redis_rest_token_parameter: str | None = Field(None, validation_alias=_secret("UPSTASH_REDIS_REST_TOKEN"))
    secrets_max_age_seconds: int = Field(300, ge=0, le=86_400)

    # HTTP edge
    api_keys: SecretList = Field(default_factory=list)
    admin_key: SecretStr | None = None
    allowed_origins: CommaList = Field(default_factory=list)
    max_body_bytes: int = Field(16_384, ge=256, le=10_485_760)
    # GET /demo, a page embedding the chat widget: unset = on in development only
    demo_page: bool | None = None

    # Local server (uvicorn: `folio serve` and the image)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # Slow clients: a request's head and its body must each arrive within these; idle keep-alive
    # connections close after http_keep_alive_seconds; a head over http_max_header_bytes is refused.
    http_header_timeout_seconds: float = Field(10.0, gt=0, le=300)
    http_body_timeout_seconds: float = Field(10.0, gt=0, le=300)
    http_keep_alive_seconds: int = Field(5, ge=1, le=300)
    http_max_header_bytes: int = Field(16_384, ge=1024, le=1_048_576)

    # FOLIO_* names found in the environment or .env that are no setting (set by load_settings)
    _unknown_variables: list[str] = PrivateAttr(default_factory=list)

    @field_validator("api_keys", "allowed_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_origins", mode="after")
    @classmethod
    def _no_trailing_slash(cls, value: list[str]) -> list[str]:
        return [origin.rstrip("/") for origin in value]

    @field_validator("docs_dir", mode="before")
    @classmethod
    def _path_to_text(cls, value: object) -> object:
        return str(value) if isinstance(value, Path) else value

    @field_validator("trusted_proxies", mode="after")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # raises ValueError with the bad entry
        return value

    @field_validator(
        "groq_api_key",
        "admin_key",
        "ollama_url",
        "groq_base_url",
        "redis_url",
        "upstash_redis_rest_url",
        "upstash_redis_rest_token",
        "session_secret",
        "s3_endpoint_url",
        "model_path",
        "tokenizer_path",
        "aws_region",
        "lambda_function_name",
        "api_keys_parameter",
        "admin_key_parameter",
        "groq_api_key_parameter",
        "session_secret_parameter",
        "upstash_redis_rest_url_parameter",
        "upstash_redis_rest_token_parameter",
        "demo_page",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _consistent_and_locked_down(self) -> Settings:
        problems = []
        if self.chunk_overlap_chars >= self.chunk_chars // 2:
            problems.append("FOLIO_CHUNK_OVERLAP_CHARS must be less than half of FOLIO_CHUNK_CHARS")
        if self.env == "production":
            problems += self._production_problems()
        if problems:
            raise _Refused(problems)
        return self

    def _production_problems(self) -> list[str]:
        # No API keys is public mode (a browser cannot keep one): the Origin allowlist, the limits
        # and the budget protect the chat, so the origins are required and '*' refused below.
        problems = [
            f"FOLIO_API_KEYS entry {n} is a placeholder"
            for n, key in enumerate(self.api_keys, 1)
            if _is_placeholder(key)
        ]
        if self.admin_key_parameter is None and (self.admin_key is None or _is_placeholder(self.admin_key)):
            problems.append("FOLIO_ADMIN_KEY must be set to a real secret (16+ characters)")
        if self.groq_api_key is not None and _is_placeholder(self.groq_api_key):
            problems.append("GROQ_API_KEY is a placeholder")
        if not self.allowed_origins:
            problems.append("FOLIO_ALLOWED_ORIGINS must list the site's origins")
        secret = self.session_secret
        if self.session_secret_parameter is None and (secret is None or len(secret.get_secret_value()) < 32):
            problems.append("FOLIO_SESSION_SECRET must be set (32+ characters) so sessions survive restarts")
        if "*" in self.allowed_origins:
            problems.append("FOLIO_ALLOWED_ORIGINS may not contain '*' in production")
        return [f"production settings refused: {problem}" for problem in problems]

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def unknown_variables(self) -> list[str]:
        """Misspelt or retired FOLIO_* names this configuration carries (ignored; refused in production)."""
        return list(self._unknown_variables)

    @property
    def loopback_unlimited(self) -> bool:
        return self.env == "development" and self.dev_loopback_unlimited

    @property
    def demo_enabled(self) -> bool:
        return self.env == "development" if self.demo_page is None else self.demo_page

    @property
    def on_lambda(self) -> bool:
        return self.lambda_function_name is not None

    def storage_options(self) -> dict[str, str] | None:
        """Options for LanceDB's own S3 client (it does not read boto3's configuration)."""
        options = {}
        if self.aws_region:
            options["aws_region"] = self.aws_region
        if self.s3_endpoint_url:
            options["aws_endpoint"] = self.s3_endpoint_url
            if self.s3_endpoint_url.startswith("http://"):
                options["allow_http"] = "true"
        return options or None


def _is_placeholder(secret: SecretStr) -> bool:
    value = secret.get_secret_value().strip()
    return value.lower() in _PLACEHOLDERS or len(value) < 16 or value.lower().startswith("your")


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from the environment and .env, with every problem in one ConfigError.

    pydantic runs the model's checks (production lock-down) only when every field is valid, so a
    type error would hide them: after field errors the settings are built once more with those
    fields at their defaults, and what that second build refuses is listed too. FOLIO_* names that
    are no setting are refused in production (and whenever the configuration is refused anyway);
    elsewhere they are kept on the settings for the start-up warnings.
    """
    unknown = unknown_variables(overrides.get("_env_file", ENV_FILE))
    settings, problems = _build(overrides)
    if unknown and (problems or settings is None or settings.is_production):
        problems += [f"{name}: {_unknown_reason(name)}" for name in unknown]
    if problems or settings is None:
        raise ConfigError("invalid configuration:\n" + "\n".join(f"  - {problem}" for problem in problems))
    settings._unknown_variables = unknown
    return settings


def unknown_variable_warnings(settings: Settings) -> list[str]:
    return [f"{name} {_unknown_reason(name)}: ignored" for name in settings.unknown_variables]


def unknown_variables(env_file: str | Path | Sequence[str | Path] | None) -> list[str]:
    """FOLIO_* names in the environment or the .env file(s) that no setting reads (case-insensitive,
    as the settings themselves)."""
    from dotenv import dotenv_values

    names = set(os.environ)
    files = [] if env_file is None else [env_file] if isinstance(env_file, (str, Path)) else list(env_file)
    for path in files:
        if Path(path).is_file():
            names |= set(dotenv_values(path))
    known = _known_names()
    return sorted(name for name in names if name.upper().startswith("FOLIO_") and name.upper() not in known)


def _known_names() -> set[str]:
    """Every name a setting is read from: its aliases when it has any (then FOLIO_<NAME> is not read)."""
    names = set(NOT_SETTINGS)
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {str(choice).upper() for choice in alias.choices}
        else:
            names.add(f"FOLIO_{name.upper()}")
    return names


def _unknown_reason(name: str) -> str:
    close = difflib.get_close_matches(name.upper(), sorted(_known_names()), n=1, cutoff=0.75)
    return "is not a folio setting" + (f" (did you mean {close[0]}?)" if close else "")


def _build(overrides: dict[str, Any]) -> tuple[Settings | None, list[str]]:
    try:
        return Settings(**overrides), []
    except ValidationError as exc:
        problems, invalid = _describe(exc.errors())
    if not invalid:
        return None, problems
    defaults = {name: Settings.model_fields[name].get_default(call_default_factory=True) for name in invalid}
    try:
        fallback = Settings(**{**overrides, **defaults})
    except ValidationError as exc:
        problems += [problem for problem in _describe(exc.errors())[0] if problem not in problems]
        return None, problems
    return fallback, problems


def _describe(errors: Iterable[Any]) -> tuple[list[str], set[str]]:
    """Readable problems, and the fields that were invalid."""
    problems: list[str] = []
    invalid: set[str] = set()
    for error in errors:
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, _Refused):
            problems += cause.problems
        elif error["loc"] and str(error["loc"][0]) in Settings.model_fields:
            field = str(error["loc"][0])
            invalid.add(field)
            problems.append(f"{_env_name(field)}: {error['msg']}")
        else:
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            problems.append(f"{where}: {error['msg']}")
    return problems, invalid


def _env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"FOLIO_{field.upper()}"
