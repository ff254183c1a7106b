"""Browser fixtures: the running system, Debian's chromium driven by Playwright, one page per test.

Every page a test looks at is screenshotted under test-output/browser/ and checked with axe-core (no
serious or critical violation); a console error the test did not announce fails the test.
"""

import json
import re
from pathlib import Path

import pytest

from tests.e2e.browser.system import PASSWORD, BrowserSystem

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "browser"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
USERS = {  # user name: (role, agency, full name)
    "vp.lan": ("secretariat", None, "Nguyễn Thị Lan"),
    "sgtvt.hung": ("agency", "08.SGTVT", "Trần Văn Hùng"),
    "syt.mai": ("agency", "08.SYT", "Lê Thị Mai"),
    "tt.binh": ("committee", None, "Phạm Văn Bình"),
    "qt.an": ("admin", None, "Đỗ Văn An"),
}
# What Chromium logs when a fetch is answered with an error status: a test that provokes one announces it.
# What an officer must never read: the services' raw codes and English (rule ids, shares as 0.86 …).
RAW = re.compile(r"\b(classifier|UUID|needs_review|in_progress|awaiting_routing|secretariat|committee)\b"
                 r"|\bbody:|\[[a-z]+_[a-z_]+\]|(?<![\d.,])0\.\d\d(?![\d.])")
REFUSED_RESOURCE = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is absent (scripts/ensure-chromium.sh installs it): browser tests skipped",
                allow_module_level=True)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    running = BrowserSystem(tmp_path_factory.mktemp("browser-run"))
    try:
        running.start()
        for username, (role, agency, full_name) in USERS.items():
            running.add_user(username, role, agency, full_name)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(system):  # the system first: Playwright's sync API then holds an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


class Officer:
    """One browser tab of an officer: sign in, look at a page (screenshot + axe), announce refusals."""

    def __init__(self, page, system: BrowserSystem, test_name: str):
        self.page, self.system, self.test_name = page, system, test_name
        self.console_errors: list[str] = []
        self.expected_statuses: set[int] = set()
        self.looked = 0
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self.requests: list[str] = []
        page.on("request", lambda sent: self.requests.append(sent.url))
        self.refused: list[str] = []  # which answers were errors, to say what a console error was about
        page.on("response", lambda answer: answer.status >= 400 and self.refused.append(f"{answer.status} {answer.url}"))

    def go(self, path: str):
        self.page.goto(self.system.web + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def sign_in(self, username: str, password: str = PASSWORD, next_path: str = ""):
        self.go("/dang-nhap" + (f"?next={next_path}" if next_path else ""))
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def expect_refusal(self, *statuses: int) -> None:
        """The test provokes these error answers on purpose (Chromium logs each as a console error)."""
        self.expected_statuses.update(statuses)

    def look(self, name: str) -> list[dict]:
        """Screenshot the page and check it with axe-core; the serious and critical violations fail the test."""
        self.page.wait_for_load_state("networkidle")
        self.looked += 1
        OUTPUT.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(OUTPUT / f"{self.test_name}-{self.looked:02d}-{name}.png"), full_page=True)
        raw = RAW.findall(self.page.inner_text("body"))
        assert not raw, f"raw codes or English on {name} ({self.page.url}): {raw}"
        self.page.add_script_tag(path=str(AXE))
        results = self.page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        serious = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5]}
                   for v in results if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe-core on {name} ({self.page.url}):\n{json.dumps(serious, ensure_ascii=False, indent=1)}"
        return results

    def unexpected_console_errors(self) -> list[str]:
        unexpected = []
        for text in self.console_errors:
            refused = REFUSED_RESOURCE.search(text)
            if not (refused and int(refused[1]) in self.expected_statuses):
                unexpected.append(text)
        return unexpected


@pytest.fixture
def officer(browser, system, request):
    context = browser.new_context(bypass_csp=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    tab = Officer(context.new_page(), system, request.node.name.removeprefix("test_")[:60])
    yield tab
    context.close()
    assert not tab.unexpected_console_errors(), (tab.unexpected_console_errors(), tab.refused)
