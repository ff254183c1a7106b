"""Production auth: issuer and audience required and checked, roles at a configurable claim path, and
keys that rotate through the provider's JWKS (served here by a small real HTTP server)."""

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.errors import ProblemError
from shared.service_app import make_verifier
from shared.settings import ServiceSettings

ISSUER, AUDIENCE = "https://sso.test/realms/hdnd", "kien-nghi"


class Provider:
    """An OpenID provider's key set that can rotate: `publish` replaces the keys served at /certs."""

    def __init__(self):
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                body = json.dumps({"keys": [
                    json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": kid, "use": "sig"}
                    for kid, key in provider.keys.items()]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/certs"

    def publish(self, *kids: str) -> None:
        self.keys = {kid: self.keys.get(kid) or rsa.generate_private_key(public_exponent=65537, key_size=2048)
                     for kid in kids}

    def token(self, kid: str, **claims) -> str:
        body = {"sub": "ubtv-01", "iss": ISSUER, "aud": AUDIENCE,
                "realm_access": {"roles": ["offline_access", "committee"]},
                "exp": datetime.now(timezone.utc) + timedelta(minutes=5)} | claims
        return jwt.encode({k: v for k, v in body.items() if v is not None}, self.keys[kid], algorithm="RS256",
                          headers={"kid": kid})


@pytest.fixture
def provider():
    running = Provider()
    running.publish("k1")
    threading.Thread(target=running.server.serve_forever, daemon=True).start()
    yield running
    running.server.shutdown()


def production(tmp_path, **overrides) -> ServiceSettings:
    return ServiceSettings(run_dir=tmp_path, environment="production", **overrides)


def test_production_refuses_to_start_without_issuer_and_audience(tmp_path, provider):
    with pytest.raises(ValueError, match="AUTH_ISSUER, AUTH_AUDIENCE"):
        production(tmp_path, auth_jwks_url=provider.url)
    with pytest.raises(ValueError, match="AUTH_AUDIENCE"):
        production(tmp_path, auth_jwks_url=provider.url, auth_issuer=ISSUER)
    with pytest.raises(ValueError, match="AUTH_JWKS_URL"):
        production(tmp_path, auth_issuer=ISSUER, auth_audience=AUDIENCE)


def test_the_jwt_names_of_the_manifests_are_read_too(tmp_path, provider, monkeypatch):
    monkeypatch.setenv("JWT_JWKS_URL", provider.url)
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("JWT_ROLES_CLAIM", "realm_access.roles")
    settings = ServiceSettings(run_dir=tmp_path, environment="production")
    assert (settings.auth_issuer, settings.auth_audience, settings.auth_roles_claim) == (
        ISSUER, AUDIENCE, "realm_access.roles")


def test_issuer_audience_and_the_roles_claim_path_are_checked(tmp_path, provider):
    verifier = make_verifier(production(tmp_path, auth_jwks_url=provider.url, auth_issuer=ISSUER,
                                        auth_audience=AUDIENCE, auth_roles_claim="realm_access.roles"))
    assert verifier.verify(provider.token("k1")).role == "committee"
    agency = provider.token("k1", realm_access={"roles": ["agency"]}, agency="08.SGTVT")
    assert verifier.verify(agency).agency == "08.SGTVT"
    refused = {
        "another issuer": provider.token("k1", iss="https://evil.test"),
        "no issuer": provider.token("k1", iss=None),
        "another audience": provider.token("k1", aud="other-app"),
        "no audience": provider.token("k1", aud=None),
        "no role of ours": provider.token("k1", realm_access={"roles": ["offline_access"]}),
        "two roles of ours": provider.token("k1", realm_access={"roles": ["committee", "admin"]}),
        "role at the wrong place": provider.token("k1", realm_access=None, role="admin"),
        "agency without its code": provider.token("k1", realm_access={"roles": ["agency"]}),
    }
    for why, token in refused.items():
        with pytest.raises(ProblemError) as caught:
            verifier.verify(token)
        assert caught.value.status == 401, why


def test_a_new_key_published_in_the_jwks_is_accepted_and_a_withdrawn_one_stops(tmp_path, provider):
    verifier = make_verifier(production(
        tmp_path, auth_jwks_url=provider.url, auth_issuer=ISSUER, auth_audience=AUDIENCE,
        auth_roles_claim="realm_access.roles", auth_jwks_cache_seconds=1.0, auth_jwks_refresh_cooldown_seconds=0.2))
    old = provider.token("k1")
    assert verifier.verify(old).role == "committee"
    provider.publish("k1", "k2")  # the provider rotates: the new key is published beside the old one
    time.sleep(0.3)  # past the refresh cooldown
    assert verifier.verify(provider.token("k2")).role == "committee"  # unknown kid: the JWKS is read again
    assert verifier.verify(old).role == "committee"
    provider.publish("k2")  # the old key is withdrawn
    time.sleep(1.2)  # past the cache's lifetime
    with pytest.raises(ProblemError):
        verifier.verify(old)
    assert verifier.verify(provider.token("k2")).role == "committee"
