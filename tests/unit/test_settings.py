"""Settings: documentation coverage, sources and secret handling."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tandem.settings import ConfigError, Settings, read_secret_key, write_secret_key

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented_in_configuration_md():
    documented = set(
        re.findall(r"^\| `(\w+)` \| `TANDEM_", DOCS.read_text(), flags=re.MULTILINE)
    )
    missing = set(Settings.model_fields) - documented
    stale = documented - set(Settings.model_fields)
    assert missing == set(), (
        f"settings missing from docs/configuration.md: {sorted(missing)}"
    )
    assert stale == set(), (
        f"docs/configuration.md documents settings that do not exist: {sorted(stale)}"
    )


def test_environment_overrides_the_toml_file(tmp_path, monkeypatch):
    config = tmp_path / "tandem.toml"
    config.write_text('port = 9001\nsignup = "open"\n')
    monkeypatch.setenv("TANDEM_CONFIG", str(config))
    monkeypatch.setenv("TANDEM_PORT", "9002")
    settings = Settings()
    assert settings.port == 9002 and settings.signup == "open"


def test_a_secret_can_come_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "smtp"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.setenv("TANDEM_SMTP_PASSWORD_FILE", str(secret))
    assert Settings().smtp_password.get_secret_value() == "s3cret-from-file"


def test_an_unreadable_secret_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_SMTP_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="TANDEM_SMTP_PASSWORD_FILE"):
        Settings()


def test_init_writes_a_key_only_its_owner_can_read(tmp_path):
    key = tmp_path / "secret.key"
    assert write_secret_key(key) is True
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    assert write_secret_key(key) is False, "an existing key is never overwritten"
    assert len(read_secret_key(Settings(data_dir=tmp_path))) >= 48


@pytest.mark.parametrize("placeholder", ["changeme", "short-key"])
def test_placeholder_keys_are_refused_outside_demo_mode(tmp_path, placeholder):
    with pytest.raises(ConfigError, match="placeholder or shorter than 32"):
        read_secret_key(Settings(data_dir=tmp_path, secret_key=placeholder))
    assert (
        read_secret_key(
            Settings(data_dir=tmp_path, secret_key=placeholder, demo_mode=True)
        )
        == placeholder
    )


def test_a_missing_key_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="tandem init"):
        read_secret_key(Settings(data_dir=tmp_path / "nowhere"))
