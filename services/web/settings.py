from pydantic import Field

from shared.settings import ServiceSettings


class WebSettings(ServiceSettings):
    """The web pages hold no database: they render templates and proxy the three services' APIs."""

    service_name: str = "web"
    port: int = 8000
    intake_url: str = "http://127.0.0.1:8001"
    routing_url: str = "http://127.0.0.1:8002"
    monitoring_url: str = "http://127.0.0.1:8003"
    # Seconds to wait for an upstream answer (an XLSX import or a large report may take a while).
    upstream_timeout: float = Field(default=60.0, gt=0)
    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    rate_limit_auth_failures_per_minute: int = Field(default=30, ge=0)  # the pages are the sign-in door

    def upstreams(self) -> dict[str, str]:
        return {
            "intake": self.intake_url.rstrip("/"),
            "routing": self.routing_url.rstrip("/"),
            "monitoring": self.monitoring_url.rstrip("/"),
        }
