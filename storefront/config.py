"""Settings, read once from the environment with working defaults for local use."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STOREFRONT_VAR_DIR", PROJECT_ROOT / "var"))


def _secret_key(environment: str) -> str:
    """Use SECRET_KEY; locally, generate one once and keep it in var/ so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if environment == "production":
        msg = "SECRET_KEY must be set in production"
        raise RuntimeError(msg)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def _stripe_webhook_secret(environment: str) -> str:
    """Without it no webhook verifies: production would take payments and never fulfil them."""
    secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    if not secret and environment == "production":
        msg = "STRIPE_WEBHOOK_SECRET must be set in production"
        raise RuntimeError(msg)
    return secret


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = f"sqlite+aiosqlite:///{VAR_DIR / 'storefront.db'}"
    secret_key: str = ""
    base_domain: str = "localhost"
    public_url: str = "http://127.0.0.1:8000"
    media_dir: Path = VAR_DIR / "media"
    mail_dir: Path = VAR_DIR / "mail"
    session_dir: Path = VAR_DIR / "sessions"
    smtp_url: str = ""
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    stripe_payment_methods: tuple[str, ...] = ("card",)
    redis_url: str = ""
    database_echo: bool = False
    page_cache_seconds: int = 10
    sweep_interval_seconds: int = 60

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        environment = env.get("STOREFRONT_ENV", "development")
        return cls(
            environment=environment,
            database_url=env.get("DATABASE_URL", cls.database_url),
            secret_key=_secret_key(environment),
            base_domain=env.get("STOREFRONT_BASE_DOMAIN", cls.base_domain),
            public_url=env.get("PUBLIC_URL", f"http://127.0.0.1:{env.get('PORT', '8000')}"),
            media_dir=Path(env.get("MEDIA_DIR", str(cls.media_dir))),
            mail_dir=Path(env.get("MAIL_DIR", str(cls.mail_dir))),
            smtp_url=env.get("SMTP_URL", ""),
            stripe_secret_key=env.get("STRIPE_SECRET_KEY", ""),
            stripe_webhook_secret=_stripe_webhook_secret(environment),
            stripe_api_base=env.get("STRIPE_API_BASE", ""),
            stripe_payment_methods=tuple(
                env.get("STRIPE_PAYMENT_METHODS", "card").replace(" ", "").split(",")
            ),
            redis_url=env.get("REDIS_URL", ""),
            database_echo=env.get("DATABASE_ECHO", "") == "1",
            page_cache_seconds=int(env.get("PAGE_CACHE_SECONDS", cls.page_cache_seconds)),
            sweep_interval_seconds=int(env.get("SWEEP_INTERVAL_SECONDS", cls.sweep_interval_seconds)),
        )


def trusted_proxies() -> list[str]:
    """``FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-For`` is believed, never everyone."""
    proxies = [
        proxy.strip() for proxy in os.environ.get("FORWARDED_ALLOW_IPS", "").split(",") if proxy.strip()
    ]
    if any(proxy == "*" or proxy.endswith("/0") for proxy in proxies):
        msg = "FORWARDED_ALLOW_IPS must name the proxies' addresses or networks, not every address"
        raise RuntimeError(msg)
    return proxies


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
