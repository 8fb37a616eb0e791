from __future__ import annotations

from pathlib import Path

import pytest

from folio.errors import ConfigError
from folio.settings import Settings, load_settings

STRONG = "k3y-0f-r3al-l3ngth-abcdef"


def test_defaults_describe_the_local_setup() -> None:
    settings = Settings(_env_file=None)
    assert settings.env == "development"
    assert settings.index_uri == ".folio/index"
    assert settings.api_keys == []
    assert settings.groq_api_key is None


def test_lists_are_read_from_comma_separated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLIO_API_KEYS", f"{STRONG}, {STRONG}2 ,")
    monkeypatch.setenv("FOLIO_ALLOWED_ORIGINS", "https://a.example/, https://b.example")
    monkeypatch.setenv("GROQ_API_KEY", "gsk_test_value_long_enough")
    settings = load_settings(_env_file=None)
    assert [k.get_secret_value() for k in settings.api_keys] == [STRONG, f"{STRONG}2"]
    assert settings.allowed_origins == ["https://a.example", "https://b.example"]
    assert settings.groq_api_key is not None


def test_every_invalid_setting_is_reported_in_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLIO_TOP_K", "zero")
    monkeypatch.setenv("FOLIO_PORT", "70000")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert "FOLIO_TOP_K" in caught.value.message
    assert "FOLIO_PORT" in caught.value.message


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"api_keys": ["changeme"]}, "placeholder"),
        ({"admin_key": "secret"}, "FOLIO_ADMIN_KEY"),
        ({"allowed_origins": ["*"]}, "may not contain '*'"),
        ({"allowed_origins": []}, "FOLIO_ALLOWED_ORIGINS must list"),
        ({"groq_api_key": "your-groq-key"}, "GROQ_API_KEY is a placeholder"),
        ({"session_secret": "short"}, "FOLIO_SESSION_SECRET"),
    ],
)
def test_production_refuses_placeholders_and_wildcards(overrides: dict[str, object], complaint: str) -> None:
    values: dict[str, object] = {
        "env": "production",
        "api_keys": [STRONG],
        "admin_key": STRONG + "-admin",
        "allowed_origins": ["https://maya.example.dev"],
        "session_secret": "s" * 40,
        **overrides,
    }
    with pytest.raises(ConfigError, match=complaint.replace("*", r"\*")):
        load_settings(_env_file=None, **values)


def test_production_with_real_values_starts() -> None:
    settings = load_settings(
        _env_file=None,
        env="production",
        api_keys=[STRONG],
        admin_key=STRONG + "-admin",
        allowed_origins=["https://maya.example.dev"],
        session_secret="s" * 40,
    )
    assert settings.is_production


def test_production_starts_in_public_mode_without_api_keys() -> None:
    settings = load_settings(
        _env_file=None,
        env="production",
        admin_key=STRONG + "-admin",
        allowed_origins=["https://maya.example.dev"],
        session_secret="s" * 40,
    )
    assert settings.is_production and settings.api_keys == []


@pytest.mark.parametrize(
    ("origins", "complaint"),
    [([], "FOLIO_ALLOWED_ORIGINS must list"), (["*"], "may not contain '\\*'"), (["https://a.dev", "*"], "'\\*'")],
)
def test_public_mode_still_needs_real_origins(origins: list[str], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        load_settings(
            _env_file=None,
            env="production",
            admin_key=STRONG + "-admin",
            allowed_origins=origins,
            session_secret="s" * 40,
        )


@pytest.mark.parametrize(
    ("env", "flag", "unlimited"),
    [("development", True, True), ("development", False, False), ("test", True, False)],
)
def test_loopback_relaxation_is_for_development_only(env: str, flag: bool, unlimited: bool) -> None:
    settings = load_settings(_env_file=None, env=env, dev_loopback_unlimited=flag)
    assert settings.loopback_unlimited is unlimited


def test_overlap_must_be_smaller_than_half_a_chunk() -> None:
    with pytest.raises(ConfigError, match="OVERLAP"):
        load_settings(_env_file=None, chunk_chars=400, chunk_overlap_chars=300)


def test_cli_exits_non_zero_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from folio.cli import main

    monkeypatch.setenv("FOLIO_ENV", "production")
    monkeypatch.chdir("/")
    assert main(["eval"]) == 2
    assert "FOLIO_ALLOWED_ORIGINS" in capsys.readouterr().err


def test_env_example_documents_every_setting() -> None:
    from pathlib import Path

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    documented = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    for name, field in Settings.model_fields.items():
        aliases = field.validation_alias.choices if field.validation_alias is not None else []  # type: ignore[union-attr]
        names = {str(alias) for alias in aliases} | {f"FOLIO_{name.upper()}"}
        assert names & documented, f"{name} is missing from .env.example"


def test_a_copy_of_env_example_is_a_working_development_configuration(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((Path(__file__).resolve().parents[2] / ".env.example").read_text())
    from_example = Settings(_env_file=env)
    defaults = Settings(_env_file=None)
    assert from_example.model_dump() == defaults.model_dump()
