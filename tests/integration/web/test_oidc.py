"""Sign-in through an OpenID Connect provider (a tiny real one on a real port): authorization code with
PKCE, the role from `realm_access.roles`, the provider's access token forwarded to the services."""

from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.integration.web.conftest import serving, web_client, web_settings
from tests.support.oidc_provider import create_provider
from tests.support.servers import free_port

CLIENT_ID = "kien-nghi-web"
OFFICER = {"sub": "3f0c-kc", "preferred_username": "tran.sgtvt", "name": "Trần Văn Giao",
           "claims": {"realm_access": {"roles": ["offline_access", "agency"]}, "agency": "08.SGTVT"}}


@pytest.fixture
async def provider_and_web(tmp_path):
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    provider = create_provider(issuer, CLIENT_ID, dict(OFFICER))
    async with serving(provider, port):
        settings = await web_settings(tmp_path, oidc_issuer=issuer, oidc_client_id=CLIENT_ID, intake_url=issuer + "/echo")
        async with web_client(settings) as web:
            yield provider, web


async def _through_provider(web, start: str = "/dang-nhap/oidc?next=/theo-doi") -> tuple[httpx.Response, str]:
    """The browser's trip: the pages → the provider → back to the pages' callback."""
    to_provider = await web.get(start)
    assert to_provider.status_code == 303
    authorize = to_provider.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    async with httpx.AsyncClient() as browser:
        back = await browser.get(authorize)
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    return await web.get(f"{callback.path}?{callback.query}"), f"{callback.path}?{callback.query}"


async def test_sign_in_through_the_provider_takes_the_role_and_agency_from_its_claims(provider_and_web):
    _provider, web = provider_and_web
    page = await web.get("/dang-nhap")
    assert 'href="/dang-nhap/oidc"' in page.text
    signed, _ = await _through_provider(web)
    assert signed.status_code == 303 and signed.headers["location"] == "/theo-doi"
    me = (await web.get("/auth/me")).json()
    assert (me["username"], me["full_name"], me["role"], me["agency"]) == ("tran.sgtvt", "Trần Văn Giao", "agency", "08.SGTVT")
    # the services verify the provider's own token (RS256 / JWKS): the proxy forwards it as it came
    forwarded = (await web.get("/api/intake/petitions")).json()["authorization"]
    assert forwarded.startswith("Bearer ")
    access = jwt.decode(forwarded.split(" ", 1)[1], options={"verify_signature": False})
    assert access["azp"] == CLIENT_ID and access["realm_access"]["roles"] == ["offline_access", "agency"]


async def test_a_state_is_good_once_and_an_officer_without_a_role_is_refused(provider_and_web):
    provider, web = provider_and_web
    signed, callback = await _through_provider(web)
    assert signed.status_code == 303
    replayed = await web.get(callback)
    assert replayed.status_code == 400 and "đã hết hạn hoặc đã dùng" in replayed.text
    provider.state.user = {**OFFICER, "claims": {"realm_access": {"roles": ["offline_access"]}}}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web.app), base_url="http://service") as other:
        refused, _ = await _through_provider(other)
        assert refused.status_code == 400 and "chưa được cấp vai trò" in refused.text
        assert "kn_session" not in other.cookies


async def test_without_a_provider_the_button_is_absent_and_its_paths_are_404(web_alone):
    assert "/dang-nhap/oidc" not in (await web_alone.get("/dang-nhap")).text
    assert (await web_alone.get("/dang-nhap/oidc")).status_code == 404
