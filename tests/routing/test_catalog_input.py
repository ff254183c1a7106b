"""Hostile catalog edits: refused with a field error, and the catalog stays readable for everyone."""

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
