"""Hostile input to routing: catalog edits refused with a field error (the catalog stays readable),
forged cursors a 422."""

import base64

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("patch", [{"aliases": None}, {"name": None}, {"name": "   "}, {"aliases": ["x\x00y"]}])
async def test_a_patch_that_would_store_an_empty_value_is_refused(routing, patch):
    admin = routing.headers_for("admin")
    refused = await routing.patch("/units/02545", json=patch, headers=admin)
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"][0]["field"].split(".")[0] == next(iter(patch))
    listing = await routing.get("/units", headers=admin)
    assert listing.status_code == 200
    unit = (await routing.get("/units/02545", headers=admin)).json()
    assert unit["name"] and isinstance(unit["aliases"], list)


async def test_aliases_can_still_be_cleared_with_an_empty_list(routing):
    admin = routing.headers_for("admin")
    cleared = await routing.patch("/units/02608", json={"aliases": []}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["aliases"] == []
    assert (await routing.get("/units", headers=admin)).status_code == 200


async def test_an_agency_without_handles_and_a_blank_one_read_the_same(routing):
    admin = routing.headers_for("admin")
    agency = {"code": "02545.UBNDX", "name": "UBND xã Thử", "level": "commune", "unit_code": "02545"}
    created = await routing.post("/agencies", json=agency | {"handles": "  "}, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["handles"] == ""


@pytest.mark.parametrize("raw", ["2025-01-01T00:00:00|7f3ab462-1111-4111-8111-111111111111",
                                 "0001-01-01T00:00:00+01:00|7f3ab462-1111-4111-8111-111111111111"])
async def test_forged_cursors_are_a_422(routing, raw):
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    response = await routing.get("/routings", params={"cursor": cursor}, headers=routing.headers_for("secretariat"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cursor"
