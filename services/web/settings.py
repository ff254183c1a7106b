from pydantic import Field

from shared.settings import ServiceSettings


class WebSettings(ServiceSettings):
    """The pages render templates and proxy the three services' APIs; their own database holds accounts."""

    service_name: str = "web"
    port: int = 8000
    intake_url: str = "http://127.0.0.1:8001"
    routing_url: str = "http://127.0.0.1:8002"
    monitoring_url: str = "http://127.0.0.1:8003"
    # Seconds to wait for an upstream answer (an XLSX import or a large report may take a while).
    upstream_timeout: float = Field(default=60.0, gt=0)
    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    rate_limit_auth_failures_per_minute: int = Field(default=30, ge=0)  # the pages are the sign-in door
    # Accounts: a session lasts this long from sign-in; failed sign-ins per user name (also per address above).
    session_hours: float = Field(default=10.0, gt=0)
    sign_in_failures_per_user_per_minute: int = Field(default=5, ge=0)
    # The cookie is Secure (https only) unless told otherwise; development and tests run on plain http.
    session_cookie_secure: bool | None = None
    # scheme://host[:port] the browsers see; unset: the request's own Host (Origin checks on writes).
    public_origin: str | None = None
    # Lifetime of the token the proxy mints for each upstream call (HS256, the services' shared secret).
    upstream_token_seconds: int = Field(default=300, gt=0)
    # Sign-in through the province's OpenID Connect provider (authorization code + PKCE), when set.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile"
    oidc_roles_claim: str = "realm_access.roles"
    oidc_agency_claim: str = "agency"
    oidc_redirect_url: str | None = None  # unset: <this origin>/dang-nhap/oidc/callback

    def upstreams(self) -> dict[str, str]:
        return {
            "intake": self.intake_url.rstrip("/"),
            "routing": self.routing_url.rstrip("/"),
            "monitoring": self.monitoring_url.rstrip("/"),
        }

    def cookie_secure(self) -> bool:
        return self.session_cookie_secure if self.session_cookie_secure is not None else self.environment == "production"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)
