"""Accounts on the pages: sign-in with a password, the session cookie, sign-out and expiry, failed
sign-ins limited per user name, the Origin check on writes, and what administrators do with users."""

from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.web.accounts.models import Base, User
from shared.migrations import upgrade
from shared.persistence import utcnow
from tests.integration.web.conftest import (
    ORIGIN,
    PASSWORD,
    WEB_MIGRATIONS,
    sign_in,
    web_client,
    web_settings,
)

SAME_ORIGIN = {"origin": ORIGIN}


async def _session_of(web, username: str, password: str = PASSWORD):
    return await web.post("/dang-nhap", data={"username": username, "password": password}, headers=SAME_ORIGIN)


async def test_sign_in_sets_an_httponly_samesite_cookie_and_the_proxy_calls_the_services_as_that_officer(web):
    await web.app.state.accounts.create_user("Lan.VP", "Nguyễn Thị Lan", "secretariat", None, PASSWORD)
    refused = await web.get("/api/intake/sessions")
    assert refused.status_code == 401  # no session, no token: the service refuses
    signed = await _session_of(web, "lan.vp")  # user names are matched without regard to case
    assert signed.status_code == 303 and signed.headers["location"] == "/kien-nghi"
    cookie = signed.headers["set-cookie"].lower()
    assert "kn_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert (await web.get("/auth/me")).json()["full_name"] == "Nguyễn Thị Lan"
    created = await web.post("/api/intake/sessions", headers=SAME_ORIGIN,
                             json={"name": "Kỳ họp thứ 21", "term": "2021-2026", "starts_on": "2025-07-01"})
    assert created.status_code == 201, created.text
    assert (await web.get("/api/intake/sessions")).status_code == 200


async def test_next_page_after_sign_in_stays_on_this_site(web_alone):
    await web_alone.app.state.accounts.create_user("ban", "Trần Văn Ban", "committee", None, PASSWORD)
    inside = await web_alone.post("/dang-nhap", headers=SAME_ORIGIN,
                                  data={"username": "ban", "password": PASSWORD, "next": "/giam-sat"})
    assert inside.headers["location"] == "/giam-sat"
    outside = await web_alone.post("/dang-nhap", headers=SAME_ORIGIN,
                                   data={"username": "ban", "password": PASSWORD, "next": "//evil.example/"})
    assert outside.headers["location"] == "/bao-cao"


async def test_passwords_are_stored_as_argon2id_hashes(web_alone):
    user = await web_alone.app.state.accounts.create_user("thu", "Lê Thu", "committee", None, PASSWORD)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


async def test_wrong_password_is_a_401_page_and_the_user_name_is_locked_after_five(web_alone):
    await web_alone.app.state.accounts.create_user("lan", "Nguyễn Thị Lan", "secretariat", None, PASSWORD)
    await web_alone.app.state.accounts.create_user("hoa", "Phạm Hoa", "secretariat", None, PASSWORD)
    wrong = await _session_of(web_alone, "lan", "sai-mat-khau")
    assert wrong.status_code == 401 and "kn_session" not in wrong.headers.get("set-cookie", "")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
    unknown = await _session_of(web_alone, "khong-co-ai", "sai-mat-khau")
    assert unknown.status_code == 401 and unknown.text.count("không đúng") == wrong.text.count("không đúng")
    for _ in range(4):
        assert (await _session_of(web_alone, "LAN", "sai-mat-khau")).status_code == 401
    locked = await _session_of(web_alone, "lan")  # even with the right password now
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert (await _session_of(web_alone, "hoa")).status_code == 303  # another officer is not held back


async def test_sign_out_ends_the_session_and_an_expired_session_is_refused(web_alone):
    await sign_in(web_alone, "committee")
    cookie = web_alone.cookies["kn_session"]
    assert (await web_alone.get("/auth/me")).status_code == 200
    out = await web_alone.post("/dang-xuat", headers=SAME_ORIGIN)
    assert out.status_code == 303 and out.headers["location"].startswith("/dang-nhap")
    assert 'kn_session=""' in out.headers["set-cookie"] or "max-age=0" in out.headers["set-cookie"].lower()
    async with another_browser(web_alone, cookie=cookie) as replaying:
        assert (await replaying.get("/auth/me")).status_code == 401
    await sign_in(web_alone, "admin")
    assert (await web_alone.get("/auth/me")).status_code == 200
    web_alone.app.state.clock = lambda: utcnow() + timedelta(hours=10, minutes=1)
    assert (await web_alone.get("/auth/me")).status_code == 401
    assert (await web_alone.get("/kien-nghi")).status_code == 303


async def test_writes_carried_by_the_cookie_must_come_from_this_origin(web):
    await sign_in(web, "secretariat")
    body = {"name": "Kỳ họp giả mạo", "term": "2021-2026", "starts_on": "2025-07-01"}
    for headers in ({"origin": "http://evil.example"}, {}, {"referer": "http://evil.example/trang"}, {"origin": "null"}):
        forged = await web.post("/api/intake/sessions", json=body, headers=headers)
        assert forged.status_code == 403, headers
    assert (await web.get("/api/intake/sessions")).json()["items"] == []  # nothing was written
    by_referer = await web.post("/api/intake/sessions", json=body, headers={"referer": ORIGIN + "/ky-hop"})
    assert by_referer.status_code == 201
    cross_site_sign_in = await web.post("/dang-nhap", headers={"origin": "http://evil.example"},
                                        data={"username": "secretariat-vp", "password": PASSWORD})
    assert cross_site_sign_in.status_code == 403


async def test_administrators_create_users_give_roles_reset_passwords_and_disable_accounts(web_alone):
    await sign_in(web_alone, "admin", username="quantri")
    created = await web_alone.post("/auth/users", headers=SAME_ORIGIN, json={
        "username": "sgtvt.cb1", "full_name": "Cán bộ Sở Giao thông", "role": "agency", "agency": "08.SGTVT",
        "password": "mat-khau-ban-dau"})
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["role"] == "agency" and user["agency"] == "08.SGTVT" and "password_hash" not in user
    listed = (await web_alone.get("/auth/users")).json()
    assert [u["username"] for u in listed] == ["quantri", "sgtvt.cb1"]

    async with another_browser(web_alone, "sgtvt.cb1", "mat-khau-ban-dau") as officer:
        assert (await officer.get("/auth/me")).json()["agency"] == "08.SGTVT"
        assert (await officer.get("/auth/users")).status_code == 403
        reset = await web_alone.post(f"/auth/users/{user['id']}/password", headers=SAME_ORIGIN,
                                     json={"password": "mat-khau-moi-123"})
        assert reset.status_code == 200
        assert (await officer.get("/auth/me")).status_code == 401  # a reset ends every session of the user
    assert (await _session_of(web_alone, "sgtvt.cb1", "mat-khau-ban-dau")).status_code == 401
    assert (await web_alone.get("/auth/me")).json()["username"] == "quantri"  # the failed try changed nothing

    moved = await web_alone.patch(f"/auth/users/{user['id']}", headers=SAME_ORIGIN, json={"role": "committee"})
    assert moved.json()["role"] == "committee" and moved.json()["agency"] is None
    disabled = await web_alone.patch(f"/auth/users/{user['id']}", headers=SAME_ORIGIN, json={"disabled": True})
    assert disabled.json()["disabled"] is True
    assert (await _session_of(web_alone, "sgtvt.cb1", "mat-khau-moi-123")).status_code == 401


@asynccontextmanager
async def another_browser(web, username: str | None = None, password: str = PASSWORD, cookie: str | None = None):
    """A second browser on the same app (its own cookie jar), signed in or holding a given cookie."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web.app), base_url=ORIGIN) as client:
        if cookie:
            client.cookies.set("kn_session", cookie)
        if username:
            answer = await _session_of(client, username, password)
            assert answer.status_code == 303, answer.text
        yield client


@pytest.mark.parametrize("body,field", [
    ({"username": "cb", "full_name": "A", "role": "committee", "password": "mat-khau-du-dai"}, "username"),
    ({"username": "co quan", "full_name": "A", "role": "committee", "password": "mat-khau-du-dai"}, "username"),
    ({"username": "cb.ok", "full_name": "A", "role": "agency", "password": "mat-khau-du-dai"}, "agency"),
    ({"username": "cb.ok", "full_name": "A", "role": "committee", "agency": "08.SGTVT",
      "password": "mat-khau-du-dai"}, "agency"),
    ({"username": "cb.ok", "full_name": "A", "role": "committee", "password": "ngan"}, "password"),
    ({"username": "cb.ok", "full_name": "A", "role": "boss", "password": "mat-khau-du-dai"}, "role"),
])
async def test_a_bad_new_user_is_a_422_on_its_field_and_nothing_is_written(web_alone, body, field):
    await sign_in(web_alone, "admin")
    refused = await web_alone.post("/auth/users", headers=SAME_ORIGIN, json=body)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert len((await web_alone.get("/auth/users")).json()) == 1


async def test_a_user_name_is_taken_once_whatever_its_case_and_an_admin_cannot_lock_themself_out(web_alone):
    await sign_in(web_alone, "admin", username="quantri")
    body = {"username": "QuanTri", "full_name": "Trùng tên", "role": "committee", "password": "mat-khau-du-dai"}
    assert (await web_alone.post("/auth/users", headers=SAME_ORIGIN, json=body)).status_code == 409
    me = next(u for u in (await web_alone.get("/auth/users")).json() if u["username"] == "quantri")
    refused = await web_alone.patch(f"/auth/users/{me['id']}", headers=SAME_ORIGIN, json={"disabled": True})
    assert refused.status_code == 422


@pytest.mark.postgres
async def test_accounts_work_on_postgresql(pg_cluster, tmp_path):
    settings = await web_settings(tmp_path, database_url=pg_cluster.create_database("web"))
    async with web_client(settings) as client:
        await sign_in(client, "committee")
        assert (await client.get("/auth/me")).json()["role"] == "committee"
        assert isinstance(await client.app.state.accounts.users(), list)
        assert all(isinstance(user, User) for user in await client.app.state.accounts.users())


def test_the_web_migrations_create_exactly_the_accounts_tables(tmp_path):
    upgrade(WEB_MIGRATIONS, f"sqlite+aiosqlite:///{tmp_path / 'web.db'}")
    with create_engine(f"sqlite:///{tmp_path / 'web.db'}").connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
