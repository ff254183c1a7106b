"""The pages' origin: security headers, no API docs (CDN scripts) on it, sign-in redirects stay on it,
request bodies limited before they are read, failed sign-ins limited per address."""

import re

import pytest

from services.web.accounts.router import same_origin_path
from tests.integration.web.test_pages import PAGES, signed_in_for


def _policy(response) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")]
    return {name: (rest[0] if rest else "") for name, *rest in directives}


@pytest.mark.parametrize("path", list(PAGES))
async def test_every_page_sends_the_security_headers(web_alone, path):
    page = await (await signed_in_for(web_alone, path)).get(path)
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    policy = _policy(page)
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])[1]
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page.text)
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)


async def test_each_page_gets_a_fresh_nonce(web_alone):
    first, second = [_policy(await web_alone.get("/")) for _ in range(2)]
    assert first["script-src"] != second["script-src"]


async def test_proxied_answers_can_run_nothing(web_alone):
    answer = await web_alone.get("/api/monitoring/reports/monthly")
    assert answer.status_code == 502
    policy = _policy(answer)
    assert policy["default-src"] == "'none'" and "sandbox" in policy and "script-src" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/api/intake/docs", "/api/routing/redoc",
                                  "/api/monitoring/docs/oauth2-redirect", "/api/intake/x/../docs",
                                  "/api/intake/%64ocs"])
async def test_no_api_docs_page_on_the_pages_origin(web, path):
    answer = await web.get(path)
    assert answer.status_code == 404, (path, answer.text[:200])
    assert "cdn" not in answer.text.lower()


async def test_the_openapi_document_still_passes_through(web):
    answer = await web.get("/api/intake/openapi.json")
    assert answer.status_code == 200 and answer.json()["openapi"].startswith("3.")


def test_sign_in_redirects_only_to_paths_of_this_origin():
    cases = {"/kien-nghi": "/kien-nghi", "/kien-nghi/moi?x=1#a": "/kien-nghi/moi?x=1#a",
             "//evil.example": None, "/\\evil.example": None, "/\\/evil.example": None, "/\t/evil.example": None,
             "https://evil.example/": None, "javascript:alert(1)": None, "evil.example": None, "": None,
             "/%2F%2Fevil.example": "/%2F%2Fevil.example"}
    assert {case: same_origin_path(case) for case in cases} == cases


async def test_a_body_over_the_limit_is_refused_before_any_service_sees_it(web):
    big = b"x" * (1024 * 1024 + 1)
    answer = await web.post("/api/intake/petitions", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "body"


async def test_a_streamed_body_over_the_limit_is_refused_while_counting(web):
    async def chunks():
        for _ in range(40):
            yield b"x" * 65536

    answer = await web.post("/api/intake/petitions", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


async def test_failed_sign_ins_are_limited_per_address(web):
    statuses = []
    while 429 not in statuses and len(statuses) < 60:  # the bucket refills 1 every 2 s: a slow machine needs more
        statuses.append((await web.get("/api/intake/petitions", headers={"Authorization": "Bearer nope"})).status_code)
    assert statuses[:30] == [401] * 30 and statuses[-1] == 429
    limited = await web.get("/api/intake/petitions", headers=web.headers_for("secretariat"))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
