from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from folio.errors import ConfigError
from folio.settings import Settings, load_settings

STRONG = "k3y-0f-r3al-l3ngth-abcdef"
ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.parametrize(
    ("env", "flag", "enabled"),
    [
        ("development", "", True),
        ("development", "false", False),
        ("test", "", False),
        ("test", "true", True),
    ],
)
def test_the_demo_page_is_on_in_development_unless_told(
    monkeypatch: pytest.MonkeyPatch, env: str, flag: str, enabled: bool
) -> None:
    monkeypatch.setenv("FOLIO_DEMO_PAGE", flag)
    assert load_settings(_env_file=None, env=env).demo_enabled is enabled


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


PRODUCTION = {
    "FOLIO_ENV": "production",
    "FOLIO_API_KEYS": STRONG,
    "FOLIO_ADMIN_KEY": STRONG + "-admin",
    "FOLIO_ALLOWED_ORIGINS": "https://maya.example.dev",
    "FOLIO_SESSION_SECRET": "s" * 40,
}


def test_a_misspelt_folio_variable_is_a_warning_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN FOLIO_ENV misspelt; WHEN the settings are loaded THEN they start, and say what was ignored
    monkeypatch.setenv("FOLIO_ENVV", "production")
    settings = load_settings(_env_file=None)
    assert settings.env == "development" and settings.unknown_variables == ["FOLIO_ENVV"]
    from folio.runtime import Runtime
    from folio.settings import unknown_variable_warnings

    expected = "FOLIO_ENVV is not a folio setting (did you mean FOLIO_ENV?): ignored"
    assert unknown_variable_warnings(settings) == [expected]
    assert expected in Runtime(settings).startup_warnings(), "logged at start-up by every app"


def test_a_misspelt_folio_variable_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    assert load_settings(_env_file=None).is_production, "the production values alone are accepted"
    monkeypatch.setenv("FOLIO_MAX_LIVE_SESION", "50")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert "FOLIO_MAX_LIVE_SESION: is not a folio setting (did you mean FOLIO_MAX_LIVE_SESSIONS?)" in (
        caught.value.message
    )


def test_unknown_names_are_found_in_the_env_file_too_and_case_does_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text("FOLIO_TOPK=3\nfolio_env=test\nGROQ_API_KEY=\n")
    monkeypatch.setenv("folio_log_levle", "DEBUG")
    settings = load_settings(_env_file=env)
    assert settings.env == "test", "lower-case names are read, as pydantic-settings does"
    assert settings.unknown_variables == ["FOLIO_TOPK", "folio_log_levle"]


def test_names_read_by_the_settings_or_the_entrypoint_are_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLIO_FUNCTION", "chat")
    monkeypatch.setenv("FOLIO_SECRETS_API_KEYS_PARAMETER", "/folio/api-keys")
    monkeypatch.setenv("FOLIO_GROQ_API_KEY", "gsk_test_value_long_enough")
    # An aliased setting is read from its aliases only (AWS_REGION): FOLIO_AWS_REGION does nothing.
    monkeypatch.setenv("FOLIO_AWS_REGION", "eu-north-1")
    assert load_settings(_env_file=None).unknown_variables == ["FOLIO_AWS_REGION"]


def test_every_folio_variable_the_deployments_set_is_a_setting() -> None:
    from folio.settings import unknown_variables
    from scripts.validate_infra import DEFAULT_TEMPLATE, load_template

    template = load_template(DEFAULT_TEMPLATE)
    names = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for resource in template["Resources"].values():
        names |= set(resource.get("Properties", {}).get("Environment", {}).get("Variables", {}))
    compose = yaml.safe_load((ROOT / "infra" / "compose-local.yml").read_text())
    names |= set(compose["x-folio"]["environment"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    names |= set(re.findall(r"^\s+(FOLIO_[A-Z_]+)=", dockerfile, re.MULTILINE))
    folio_names = {name for name in names if name.startswith("FOLIO_")}
    assert len(folio_names) > 10
    with pytest.MonkeyPatch.context() as env:
        for name in folio_names:
            env.setenv(name, "x")
        assert unknown_variables(None) == []


def test_a_type_error_does_not_hide_the_production_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN production with no origins AND a setting of the wrong type
    monkeypatch.setenv("FOLIO_ENV", "production")
    monkeypatch.setenv("FOLIO_TOP_K", "zero")
    monkeypatch.setenv("FOLIO_SECRETS_ADMIN_KEY_PARAMETER", "/folio/admin-key")
    monkeypatch.setenv("FOLIO_CHUNK_OVERLAP_CHARS", "600")
    monkeypatch.setenv("FOLIO_ENVV", "x")
    # WHEN loaded THEN one message lists every problem, one per line
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    lines = caught.value.message.splitlines()
    assert lines[0] == "invalid configuration:"
    problems = [line.removeprefix("  - ") for line in lines[1:]]
    assert problems[0].startswith("FOLIO_TOP_K: Input should be a valid integer")
    assert "FOLIO_CHUNK_OVERLAP_CHARS must be less than half of FOLIO_CHUNK_CHARS" in problems
    assert "production settings refused: FOLIO_ALLOWED_ORIGINS must list the site's origins" in problems
    assert not any("FOLIO_API_KEYS" in p for p in problems), "no keys is public mode"
    assert any("FOLIO_SESSION_SECRET must be set" in p for p in problems)
    assert not any("FOLIO_ADMIN_KEY" in p for p in problems), "the admin key comes from SSM"
    assert "FOLIO_ENVV: is not a folio setting (did you mean FOLIO_ENV?)" in problems
    assert len(problems) == 5, problems


def test_a_bad_secret_parameter_name_is_reported_under_its_own_name() -> None:
    with pytest.raises(ConfigError, match="FOLIO_SECRETS_API_KEYS_PARAMETER: Input should be a valid string"):
        load_settings(_env_file=None, api_keys_parameter=3)


def test_the_command_line_refuses_a_misspelt_production_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from folio.cli import main

    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FOLIO_ALLOWED_ORIGIN", "https://maya.example.dev")
    monkeypatch.chdir(tmp_path)
    assert main(["eval", str(tmp_path / "eval.json")]) == 2
    assert "FOLIO_ALLOWED_ORIGIN: is not a folio setting (did you mean FOLIO_ALLOWED_ORIGINS?)" in (
        capsys.readouterr().err
    )


def test_the_command_line_warns_of_a_misspelt_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from folio.cli import main

    monkeypatch.setenv("FOLIO_CHUNK_CHAR", "400")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# About\n\nMaya builds data systems.\n")
    assert main(["ingest", str(tmp_path / "docs"), "--index", str(tmp_path / "index")]) == 0
    assert "folio: warning: FOLIO_CHUNK_CHAR is not a folio setting (did you mean FOLIO_CHUNK_CHARS?)" in (
        capsys.readouterr().err
    )
