"""Settings every service reads from the environment (documented in the README)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _either(name: str, other: str):
    # Auth settings keep their AUTH_ names and also answer to the JWT_ names some manifests use.
    return Field(default=None, validation_alias=AliasChoices(name, other))


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = "development"
    run_dir: Path = Path("run")
    database_url: str | None = None
    # One server or a comma-separated list (a cluster); the client fails over between them.
    nats_url: str = "nats://127.0.0.1:4222"
    nats_tls_ca: Path | None = None
    nats_tls_cert: Path | None = None
    nats_tls_key: Path | None = None
    nats_creds_file: Path | None = None
    stream_name: str = "PETITIONS"
    # What a start asks of the stream; a start never lowers what the server already has (an operator's edit).
    stream_replicas: int = Field(default=1, ge=1, le=5)
    stream_max_age_days: float = Field(default=0, ge=0)  # 0: kept until the byte limit
    stream_max_bytes: int = Field(default=-1, ge=-1)  # -1: no limit
    host: str = "127.0.0.1"
    port: int = 8000
    # Auth: HS256 with a secret file (embedded) or RS256 against an OIDC provider's JWKS (production).
    jwt_secret_file: Path | None = None
    auth_jwks_url: str | None = _either("AUTH_JWKS_URL", "JWT_JWKS_URL")
    auth_issuer: str | None = _either("AUTH_ISSUER", "JWT_ISSUER")
    auth_audience: str | None = _either("AUTH_AUDIENCE", "JWT_AUDIENCE")
    # Where the role is in the token: a dotted path to a string or a list (Keycloak: realm_access.roles).
    auth_roles_claim: str = Field(default="role", validation_alias=AliasChoices("AUTH_ROLES_CLAIM", "JWT_ROLES_CLAIM"))
    auth_agency_claim: str = "agency"  # dotted path too
    # The JWKS is read again after this long (a removed key stops being accepted), and at once for a token
    # signed by a key it does not know, at most once per cooldown (a flood of made-up key ids costs nothing).
    auth_jwks_cache_seconds: float = Field(default=300, gt=0)
    auth_jwks_refresh_cooldown_seconds: float = Field(default=30, ge=0)
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

    @property
    def nats_servers(self) -> list[str]:
        return [url.strip() for url in self.nats_url.split(",") if url.strip()]

    @model_validator(mode="after")
    def _defaults_from_run_dir(self) -> "ServiceSettings":
        if self.database_url is None:
            self.database_url = f"sqlite+aiosqlite:///{self.run_dir / (self.service_name + '.db')}"
        if self.jwt_secret_file is None and self.auth_jwks_url is None:
            self.jwt_secret_file = self.run_dir / "jwt-secret"
        if self.environment == "production":
            missing = [name for name, value in (("AUTH_JWKS_URL", self.auth_jwks_url),
                                                ("AUTH_ISSUER", self.auth_issuer),
                                                ("AUTH_AUDIENCE", self.auth_audience)) if not value]
            if missing:
                raise ValueError(f"production needs {', '.join(missing)}: tokens must come from the council's "
                                 "OpenID Connect provider, for this audience (the HS256 secret is for development)")
        self._check_nats_files()
        return self

    def _check_nats_files(self) -> None:
        files = {"NATS_TLS_CA": self.nats_tls_ca, "NATS_TLS_CERT": self.nats_tls_cert,
                 "NATS_TLS_KEY": self.nats_tls_key, "NATS_CREDS_FILE": self.nats_creds_file}
        for name, path in files.items():
            if path is not None and not path.is_file():
                raise ValueError(f"{name}: no file at {path}")
        if (self.nats_tls_cert is None) != (self.nats_tls_key is None):
            raise ValueError("NATS_TLS_CERT and NATS_TLS_KEY go together (a client certificate and its key)")
