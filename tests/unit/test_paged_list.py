"""The pages' one paged-list loader (KN.pagedList in static/app.js), run by node, and the pages that use it."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

WEB_DIR = Path(__file__).resolve().parents[2] / "services" / "web"

# app.js runs in a bare node context: only what loading it and a paged list touch is given to it.
SCRIPT = """
const vm = require("vm"), fs = require("fs");
const listeners = {};
const more = { hidden: true, disabled: false, addEventListener: (kind, fn) => { listeners[kind] = fn; } };
const msg = { hidden: false };
const context = { window: {}, document: { addEventListener() {} }, sessionStorage: {}, console };
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8") + ";globalThis.KN = KN;", context);
const pages = { "": { items: [1, 2], next_cursor: "c1" }, c1: { items: [3], next_cursor: null } };
const asked = [], drawn = [];
const load = context.KN.pagedList({
  more, msg,
  fetchPage: async (cursor) => { asked.push(cursor === undefined ? null : cursor); return pages[cursor || ""]; },
  render: (view) => drawn.push({ ...view, moreHidden: more.hidden }),
});
(async () => {
  await load(false);
  const afterFirst = more.hidden;
  await listeners.click();
  const afterLast = more.hidden;
  await load(false);
  console.log(JSON.stringify({ asked, drawn, afterFirst, afterLast, msgHidden: msg.hidden }));
})();
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is absent: the page script check needs it")
def test_more_asks_the_next_page_and_a_new_search_starts_again():
    run = subprocess.run(["node", "-e", SCRIPT, str(WEB_DIR / "static" / "app.js")],
                         capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert result["asked"] == [None, "c1", None]
    assert [d["shown"] for d in result["drawn"]] == [[1, 2], [1, 2, 3], [1, 2]]
    assert [d["added"] for d in result["drawn"]] == [[1, 2], [3], [1, 2]]
    assert [d["append"] for d in result["drawn"]] == [False, True, False]
    assert [d["hasMore"] for d in result["drawn"]] == [True, False, True]
    assert result["afterFirst"] is False and result["afterLast"] is True
    assert result["msgHidden"] is True  # an earlier error is cleared by the next load


def test_no_page_keeps_a_cursor_of_its_own():
    for template in (WEB_DIR / "templates").glob("*.html"):
        assert not re.search(r"next_cursor|\bcursor\s*=", template.read_text(encoding="utf-8")), template.name
