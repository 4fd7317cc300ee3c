"""Settings from the environment: production refuses to start without its secrets."""

from __future__ import annotations

import pytest

from storefront.config import Settings

PRODUCTION = {
    "STOREFRONT_ENV": "production",
    "SECRET_KEY": "a-long-random-secret",
    "STRIPE_WEBHOOK_SECRET": "whsec_live",
}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch):
    """Sets exactly the given variables among those the checks read."""

    def set_only(**values: str) -> None:
        for name in (*PRODUCTION, "SWEEP_INTERVAL_SECONDS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_only


@pytest.mark.parametrize("missing", ["SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])
def test_production_refuses_to_start_without_a_secret(environ, missing):
    environ(**{name: value for name, value in PRODUCTION.items() if name != missing})
    with pytest.raises(RuntimeError, match=f"{missing} must be set in production"):
        Settings.from_env()


def test_production_starts_with_both_secrets(environ):
    environ(**PRODUCTION)
    settings = Settings.from_env()
    assert settings.is_production
    assert settings.stripe_webhook_secret == "whsec_live"


def test_locally_the_webhook_secret_may_be_left_out(environ):
    environ(SECRET_KEY="local")
    assert Settings.from_env().stripe_webhook_secret == ""


def test_the_sweep_interval_is_a_minute_unless_set(environ):
    environ(SECRET_KEY="local")
    assert Settings.from_env().sweep_interval_seconds == 60
    environ(SECRET_KEY="local", SWEEP_INTERVAL_SECONDS="2")
    assert Settings.from_env().sweep_interval_seconds == 2
