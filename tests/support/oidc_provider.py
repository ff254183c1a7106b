"""A tiny, real OpenID Connect provider for tests: discovery, authorize (code + PKCE S256), token, JWKS.

It signs in whoever `user` names without asking (the test plays the officer who typed a password at the
provider), checks the PKCE verifier, the client and the redirect URI at the token endpoint, and signs
RS256 ID and access tokens with a key made at start. /echo answers the Authorization header it got, so
a test can see which token a client forwarded.
"""

import base64
import hashlib
import secrets
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from jwt.algorithms import RSAAlgorithm


def create_provider(issuer: str, client_id: str, user: dict) -> FastAPI:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "use": "sig", "alg": "RS256"}
    codes: dict[str, dict] = {}
    app = FastAPI()
    app.state.user = user
    app.state.token_requests = []

    def sign(claims: dict) -> str:
        now = int(time.time())
        return jwt.encode({"iss": issuer, "iat": now, "exp": now + 600, **claims}, key, algorithm="RS256",
                          headers={"kid": "k1"})

    @app.get("/.well-known/openid-configuration")
    async def discovery():
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"], "id_token_signing_alg_values_supported": ["RS256"]}

    @app.get("/jwks")
    async def jwks():
        return {"keys": [public_jwk]}

    @app.get("/authorize")
    async def authorize(response_type: str, client_id: str, redirect_uri: str, state: str, nonce: str,
                        code_challenge: str, code_challenge_method: str, scope: str = ""):
        if response_type != "code" or client_id != client_id_expected or code_challenge_method != "S256":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        codes[code] = {"redirect_uri": redirect_uri, "nonce": nonce, "challenge": code_challenge}
        return RedirectResponse(f"{redirect_uri}?code={code}&state={state}", status_code=302)

    @app.post("/token")
    async def token(grant_type: str = Form(), code: str = Form(), redirect_uri: str = Form(),
                    client_id: str = Form(), code_verifier: str = Form()):
        app.state.token_requests.append({"code": code, "client_id": client_id})
        issued = codes.pop(code, None)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
        if (grant_type != "authorization_code" or issued is None or issued["redirect_uri"] != redirect_uri
                or client_id != client_id_expected or challenge != issued["challenge"]):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        person = app.state.user
        identity = {"sub": person["sub"], "aud": client_id, "nonce": issued["nonce"],
                    "preferred_username": person["preferred_username"], "name": person["name"]}
        access = {"sub": person["sub"], "aud": "account", "azp": client_id, **person.get("claims", {})}
        return {"token_type": "Bearer", "expires_in": 600, "id_token": sign(identity), "access_token": sign(access)}

    @app.get("/echo/{path:path}")
    async def echo(request: Request):
        return {"authorization": request.headers.get("authorization")}

    client_id_expected = client_id
    return app
