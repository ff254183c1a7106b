"""Tokens: HS256 with the run folder's secret, and RS256 checked against a real JWKS endpoint."""

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import TokenVerifier, ensure_secret, issue_token
from shared.errors import ProblemError


def test_secret_is_created_once_and_private(tmp_path):
    path = tmp_path / "run" / "jwt-secret"
    first = ensure_secret(path)
    assert ensure_secret(path) == first and len(first) >= 32
    assert path.stat().st_mode & 0o077 == 0


def test_hs256_round_trip_and_refusals(tmp_path):
    secret = ensure_secret(tmp_path / "jwt-secret")
    verifier = TokenVerifier(secret=secret)
    principal = verifier.verify(issue_token(secret, "vp-01", "agency", "08.SGTVT"))
    assert (principal.sub, principal.role, principal.agency) == ("vp-01", "agency", "08.SGTVT")
    with pytest.raises(ProblemError) as wrong_key:
        verifier.verify(issue_token(b"another-secret-of-enough-length-000", "x", "admin"))
    assert wrong_key.value.status == 401
    with pytest.raises(ValueError):
        issue_token(secret, "x", "agency")  # an agency token must name its agency
    forged = jwt.encode({"sub": "x", "role": "root", "exp": datetime.now(timezone.utc) + timedelta(hours=1)},
                        secret, algorithm="HS256")
    with pytest.raises(ProblemError):
        verifier.verify(forged)


@pytest.fixture
def jwks_server():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "k1", "use": "sig"}
    body = json.dumps({"keys": [public]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}/certs"
    server.shutdown()


def test_rs256_tokens_are_verified_against_the_jwks(jwks_server):
    key, url = jwks_server
    verifier = TokenVerifier(jwks_url=url, issuer="https://sso.test", audience="kien-nghi")
    claims = {"sub": "ubtv-01", "role": "committee", "iss": "https://sso.test", "aud": "kien-nghi",
              "exp": datetime.now(timezone.utc) + timedelta(minutes=5)}
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
    assert verifier.verify(token).role == "committee"
    wrong_audience = jwt.encode(claims | {"aud": "other"}, key, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(ProblemError):
        verifier.verify(wrong_audience)
