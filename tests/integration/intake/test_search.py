"""Word search: every typed word, any order; diacritics ignored unless typed; codes as one token."""

import pytest

from tests.support.intake import make_meeting

LIEN_THON = "Cử tri đề nghị nâng cấp đường giao thông liên thôn Tân Lập bị sạt lở sau mưa lũ."
DT186_DOT = "Cử tri đề nghị sửa chữa tuyến ĐT.186 đoạn qua xã bị xuống cấp nghiêm trọng."
DT186_SPACE = "Cử tri phản ánh ĐT 186 nhiều ổ gà, đề nghị sớm khắc phục."
DT186_JOINED = "Cử tri đề nghị cắm biển báo trên ĐT186 tại khu vực trường học."
SON_DUONG = "Cử tri huyện Sơn Dương đề nghị bổ sung giáo viên mầm non cho các trường."
NO_MARKS = "Cu tri de nghi sua duong vao khu nghia trang thon 3 bi hu hong."


async def _post(intake, headers, meeting, content) -> dict:
    response = await intake.post("/petitions", headers=headers, json={"meeting_id": meeting["id"], "content": content})
    assert response.status_code == 201, response.text
    return response.json()


async def _search(intake, headers, q, **params) -> list[dict]:
    response = await intake.get("/petitions", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def _every_page(intake, headers, q, limit) -> list[str]:
    """The codes on every page of a search, following the cursors."""
    seen, cursor = [], None
    while True:
        params = {"q": q, "limit": limit} | ({"cursor": cursor} if cursor else {})
        body = (await intake.get("/petitions", params=params, headers=headers)).json()
        seen += [item["code"] for item in body["items"]]
        if not (cursor := body["next_cursor"]):
            return seen


@pytest.fixture
async def petitions(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    contents = (LIEN_THON, DT186_DOT, DT186_SPACE, DT186_JOINED, SON_DUONG, NO_MARKS)
    return {content: await _post(intake, secretariat, meeting, content) for content in contents}


async def test_every_word_in_any_order_without_diacritics(intake, secretariat, petitions):
    found = await _search(intake, secretariat, "duong lien thon")
    assert [item["content"] for item in found] == [LIEN_THON]
    assert [item["content"] for item in await _search(intake, secretariat, "THON lien")] == [LIEN_THON]
    assert await _search(intake, secretariat, "duong lien thon benh vien") == []


async def test_road_codes_are_one_token_however_written(intake, secretariat, petitions):
    roads = {DT186_DOT, DT186_SPACE, DT186_JOINED}
    for typed in ("ĐT186", "ĐT.186", "ĐT 186", "dt186", "dt-186"):
        assert {item["content"] for item in await _search(intake, secretariat, typed)} == roads, typed


async def test_typed_marks_do_not_match_other_marks_and_rank_exact_first(intake, secretariat, petitions):
    found = [item["content"] for item in await _search(intake, secretariat, "đường")]
    assert SON_DUONG not in found
    # the road written with the same marks first; text typed without any marks still found, after it
    assert found == [LIEN_THON, NO_MARKS]
    folded = {item["content"] for item in await _search(intake, secretariat, "duong")}
    assert {LIEN_THON, SON_DUONG, NO_MARKS} <= folded


async def test_code_is_found_without_its_padding_and_matches_are_returned(intake, secretariat, petitions):
    target = petitions[DT186_JOINED]
    number = int(target["code"].rsplit("-", 1)[1])
    year = target["code"].split("-")[1]
    found = await _search(intake, secretariat, f"KN-{year}-{number}")
    assert [item["id"] for item in found] == [target["id"]]
    [road] = await _search(intake, secretariat, "sạt lở liên thôn")
    assert set(road["matched"]) == {"sạt", "lở", "liên", "thôn"}
    [dot] = await _search(intake, secretariat, "dt186 nghiem trong")
    assert dot["content"] == DT186_DOT and set(dot["matched"]) == {"ĐT.186", "nghiêm", "trọng"}


async def test_ranking_filters_and_pages(intake, secretariat, petitions):
    other = await make_meeting(intake, secretariat, unit_code="02545")
    await _post(intake, secretariat, other, "Đề nghị sửa ĐT186, ĐT186 xuống cấp, ĐT186 sạt lở nghiêm trọng.")
    only_first = await _search(intake, secretariat, "dt186", meeting_id=petitions[DT186_DOT]["meeting_id"])
    assert len(only_first) == 3
    pages, cursor, seen = 0, None, []
    while True:
        params = {"q": "dt186", "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await intake.get("/petitions", params=params, headers=secretariat)).json()
        seen += [item["id"] for item in body["items"]]
        pages, cursor = pages + 1, body["next_cursor"]
        if not cursor:
            break
    assert pages == 2 and len(seen) == len(set(seen)) == 4
    bad = await intake.get("/petitions", params={"q": "dt186", "cursor": "bm9wZQ"}, headers=secretariat)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


async def test_odd_queries_are_answered_not_failed(intake, secretariat, petitions):
    for typed in ('"', "' OR 1=1 --", "AND OR NOT", "*", "đ", "(x)", "NEAR(a b)"):
        response = await intake.get("/petitions", params={"q": typed}, headers=secretariat)
        assert response.status_code == 200, (typed, response.text)


async def test_a_broad_query_ranks_the_newest_matches(intake, secretariat):
    from tests.integration.intake.test_repeats import _old_petitions

    meeting = await make_meeting(intake, secretariat)
    await _old_petitions(intake, meeting, [f"Cử tri đề nghị hỗ trợ giống lúa cho thôn {n}." for n in range(1500)])
    newest = await _post(intake, secretariat, meeting, "Cử tri đề nghị hỗ trợ giống ngô mới cho các hộ nghèo.")
    seen = await _every_page(intake, secretariat, "giong", 200)  # the 1,000 newest of the 1,501 matches
    assert len(seen) == len(set(seen)) == 1000
    assert newest["code"] in seen and "KN-2020-000001" not in seen and "KN-2020-001500" in seen
    narrow = await _search(intake, secretariat, "giong ngo")  # the same request after a broad one still uses the index
    assert [item["id"] for item in narrow] == [newest["id"]]


async def test_a_window_of_the_newest_petitions_answers_as_the_whole_history_would(intake, secretariat):
    """With planner statistics (ANALYZE), PostgreSQL looks for a common word's matches in a window of the
    newest petitions: it must hand back exactly the 1,000 newest matches, as the whole history would."""
    from sqlalchemy import text

    from tests.integration.intake.test_repeats import _old_petitions

    meeting = await make_meeting(intake, secretariat)
    contents = [f"Cử tri đề nghị hỗ trợ giống lúa cho thôn {n}." if n % 2 else f"Cử tri đề nghị sửa đường thôn {n}."
                for n in range(6000)]
    await _old_petitions(intake, meeting, contents)
    async with intake._transport.app.state.runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE petitions"))
    expected = {f"KN-2020-{n + 1:06d}" for n in range(6000) if n % 2}
    expected = set(sorted(expected)[-1000:])
    for typed in ("giong", "giống lúa thôn"):
        seen = await _every_page(intake, secretariat, typed, 200)
        assert len(seen) == len(set(seen)) == 1000 and set(seen) == expected, typed


@pytest.mark.parametrize(("every", "minutes_apart"), [(6, 1), (20, 1), (20, 90)],
                         ids=["walked-back-from-the-newest", "window-sized-from-a-sample", "window-across-months"])
async def test_common_words_found_newest_first_answer_as_the_whole_history_would(intake, secretariat, monkeypatch,
                                                                                  every, minutes_apart):
    """PostgreSQL tests the newest petitions one by one for a common word (one in six petitions), or sizes
    a window from the density they show (one in twenty): both must hand back exactly the newest matches,
    also when the window starts inside a month (petitions 90 minutes apart span a year; the index is
    asked for the window's months). The sizes are scaled down (100 ranked, a sample of 300) so that
    6,000 petitions reach both paths."""
    from sqlalchemy import event, text

    from services.intake.petitions import search_repository
    from tests.integration.intake.test_repeats import _old_petitions

    monkeypatch.setattr(search_repository, "RANKED", 100)
    monkeypatch.setattr(search_repository, "SAMPLE_ROWS", 300)
    if minutes_apart > 1:  # every window asks for its months (at this scale the windows are wide)
        monkeypatch.setattr(search_repository, "FETCH_PER_MONTH_ENTRY", 10_000)
    meeting = await make_meeting(intake, secretariat)
    contents = [f"Cử tri đề nghị hỗ trợ giống lúa cho thôn {n}." if n % every == 0
                else f"Cử tri đề nghị sửa đường thôn {n}." for n in range(6000)]
    await _old_petitions(intake, meeting, contents, minutes_apart=minutes_apart)
    engine = intake._transport.app.state.runtime.engine
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE petitions"))
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    expected = set(sorted(f"KN-2020-{n + 1:06d}" for n in range(6000) if n % every == 0)[-100:])
    for typed in ("giong", "giống lúa thôn"):
        seen = await _every_page(intake, secretariat, typed, 40)
        assert len(seen) == len(set(seen)) == 100 and set(seen) == expected, typed
    if minutes_apart > 1 and engine.dialect.name != "sqlite":
        assert any("created_month >=" in statement for statement in statements)


async def test_planner_statistics_older_than_the_petitions_still_give_the_newest_matches(intake, secretariat,
                                                                                       monkeypatch):
    """Statistics taken when the table was small (no ANALYZE since a large import) must not make the
    newest petitions look like the whole history."""
    from sqlalchemy import text

    from services.intake.petitions import search_repository
    from tests.integration.intake.test_repeats import _old_petitions

    monkeypatch.setattr(search_repository, "RANKED", 100)
    monkeypatch.setattr(search_repository, "SAMPLE_ROWS", 300)
    meeting = await make_meeting(intake, secretariat)
    contents = [f"Cử tri đề nghị hỗ trợ giống lúa cho thôn {n}." if n % 20 == 0
                else f"Cử tri đề nghị sửa đường thôn {n}." for n in range(6000)]
    await _old_petitions(intake, meeting, contents[:200])
    async with intake._transport.app.state.runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE petitions"))
    engine = intake._transport.app.state.runtime.engine
    async with engine.begin() as connection:  # the rest of the history, after the statistics
        await connection.execute(text("DELETE FROM petitions"))
    await _old_petitions(intake, meeting, contents)
    expected = set(sorted(f"KN-2020-{n + 1:06d}" for n in range(6000) if n % 20 == 0)[-100:])
    seen = await _every_page(intake, secretariat, "giong", 40)
    assert len(seen) == len(set(seen)) == 100 and set(seen) == expected


async def test_the_month_a_search_asks_the_index_for_is_the_one_stored_with_each_petition(intake, secretariat):
    """PostgreSQL keeps each petition's month of creation (UTC) in the word index, and a window asks for
    its months by the same count: a petition at 23:59 UTC on the last of a month (06:59 the next day in
    Viet Nam) is in the month that ends."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import text

    from services.intake.petitions.search_repository import month_number
    from tests.integration.intake.test_repeats import _old_petitions

    engine = intake._transport.app.state.runtime.engine
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's FTS5 table has no month column: its rows are in the order they came")
    vietnam = timezone(timedelta(hours=7))
    moments = [datetime(2026, 1, 31, 23, 59, 59, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc),
               datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), datetime(2027, 1, 1, 6, 59, tzinfo=vietnam)]
    meeting = await make_meeting(intake, secretariat)
    await _old_petitions(intake, meeting, [LIEN_THON] * len(moments))
    async with engine.begin() as connection:
        for number, at in enumerate(moments, start=1):
            await connection.execute(text("UPDATE petitions SET created_at = :at WHERE code = :code"),
                                     {"at": at, "code": f"KN-2020-{number:06d}"})
        stored = list((await connection.execute(text("SELECT created_month FROM petitions ORDER BY code"))).scalars())
    assert stored == [month_number(at) for at in moments] == [2026 * 12 + 1, 2026 * 12 + 2, 2026 * 12 + 12,
                                                             2026 * 12 + 12]


async def test_a_cached_estimate_is_for_the_words_it_is_asked_about(intake, secretariat):
    """The EXPLAIN behind each typed word's estimate is compiled once and kept: asked again about other
    words it must send those words, not the first ones."""
    from sqlalchemy import select, text
    from sqlalchemy.ext.asyncio import AsyncSession

    from services.intake.petitions import search_repository
    from services.intake.petitions.models import Petition
    from services.intake.petitions.search import parse

    engine = intake._transport.app.state.runtime.engine
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite answers from FTS5 and asks no planner for estimates")
    meeting = await make_meeting(intake, secretariat)
    for content in [LIEN_THON] * 30 + [SON_DUONG]:
        await _post(intake, secretariat, meeting, content)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE petitions"))
    ids = select(Petition.id)

    async def estimate(word: str) -> float:
        async with AsyncSession(engine) as session:
            matching = ids.where(search_repository._VECTOR.op("@@")(search_repository._ts(parse(word))))
            return await search_repository._estimate(session, matching)

    common, rare = await estimate("thon"), await estimate("mam")
    assert common > rare
    assert (await estimate("thon"), await estimate("mam")) == (common, rare)
