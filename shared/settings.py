"""Settings every service reads from the environment (documented in the README)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = "development"
    run_dir: Path = Path("run")
    database_url: str | None = None
    nats_url: str = "nats://127.0.0.1:4222"
    stream_name: str = "PETITIONS"
    host: str = "127.0.0.1"
    port: int = 8000
    # Auth: HS256 with a secret file (embedded) or RS256 against an OIDC provider's JWKS (production).
    jwt_secret_file: Path | None = None
    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # Limits checked before any work (shared/limits.py); the import limit also applies at the web proxy.
    body_max_bytes: int = Field(default=1024 * 1024, gt=0)
    import_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    rate_limit_writes_per_minute: int = Field(default=600, ge=0)
    rate_limit_imports_per_minute: int = Field(default=20, ge=0)
    # Failed sign-ins are counted per address, so only where each browser has its own: the web pages.
    # Behind the proxy every officer shares its address, so the services leave this off by default.
    rate_limit_auth_failures_per_minute: int = Field(default=0, ge=0)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _defaults_from_run_dir(self) -> "ServiceSettings":
        if self.database_url is None:
            self.database_url = f"sqlite+aiosqlite:///{self.run_dir / (self.service_name + '.db')}"
        if self.jwt_secret_file is None and self.auth_jwks_url is None:
            self.jwt_secret_file = self.run_dir / "jwt-secret"
        if self.environment == "production" and self.auth_jwks_url is None:
            raise ValueError("production needs AUTH_JWKS_URL: the embedded HS256 secret is for development only")
        return self
