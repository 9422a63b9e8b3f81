"""Browser tests of the chat widget: headless Debian Chromium through Playwright (sync API),
against the real Rasa and action servers (the session fixture `servers`) and the demo pages
served by bot.launch.serve_web on the origin Rasa accepts (CORS)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import List, Optional

import pytest
import requests

from bot.settings import ROOT
from tests.conftest import API_TOKEN, require_service

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
OUT = ROOT / "test-output" / "browser"
VENDOR = ROOT / "web" / "vendor"
AXE_JS = VENDOR / "axe.min.js"
TIMEOUT_MS = 30_000
LAUNCHER = "Spør Kompetanseveilederen"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _missing(what: str) -> None:
    require_service(f"{what}; run `make test` (it installs Chromium, Playwright and the widget's npm bundles)")


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed (looked for {CHROMIUM})")
    for f in ("socket.io.min.js", "axe.min.js"):
        if not (VENDOR / f).exists():
            _missing(f"web/vendor/{f} is missing")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api):
    b = playwright_api.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
    yield b
    b.close()


@pytest.fixture(scope="session")
def site(browser, servers):
    """The demo intranet pages on the origin that Rasa's --cors accepts."""
    from bot.launch import serve_web

    httpd = serve_web(servers.web_port, rasa_url=servers.rasa_url)
    yield f"http://127.0.0.1:{servers.web_port}"
    httpd.shutdown()
    httpd.server_close()


class Kv:
    """The demo page with the widget, driven like a user would."""

    def __init__(self, browser, site: str, servers, name: str, viewport=(1280, 900)):
        from playwright.sync_api import expect

        self.expect = expect
        self.browser = browser
        self.site = site
        self.servers = servers
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:80]
        self.dialogs: List[str] = []
        self.console: List[str] = []
        self.shots: List[Path] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           locale="nb-NO", reduced_motion="reduce")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self._new_page()

    def _new_page(self):
        page = self.context.new_page()
        page.on("dialog", self._on_dialog)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        return page

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # ---- navigation and the panel

    def goto(self, path: str = "index.html") -> "Kv":
        self.page.goto(f"{self.site}/{path}")
        self.page.get_by_role("button", name=LAUNCHER).wait_for()
        return self

    @property
    def launcher(self):
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def panel(self):
        return self.page.get_by_role("dialog", name="Kompetanseveilederen")

    @property
    def input(self):
        return self.page.get_by_label("Skriv en melding")

    @property
    def log(self):
        return self.page.locator(".kvw-log")

    def open(self) -> "Kv":
        self.launcher.click()
        self.expect(self.panel).to_be_visible()
        return self

    def session_id(self) -> str:
        return self.page.evaluate("window.KVWidget.sessionId()")

    def bot_count(self) -> int:
        return self.page.locator(".kvw-log > .kvw-bot, .kvw-log > .kvw-note, .kvw-log > .kvw-cards").count()

    def wait_bot(self, text: str, after: int = 0, timeout: int = TIMEOUT_MS) -> None:
        """Wait until a bot message (index >= after) contains `text`."""
        try:
            self.page.wait_for_function(
                """([n, s]) => Array.from(document.querySelectorAll(
                     '.kvw-log > .kvw-bot, .kvw-log > .kvw-note, .kvw-log > .kvw-cards'))
                     .slice(n).some(e => e.textContent.includes(s))""",
                arg=[after, text], timeout=timeout)
        except Exception as e:
            raise AssertionError(
                f"no bot message with {text!r} after #{after}; transcript:\n{self.transcript()}\n"
                f"console:\n" + "\n".join(self.console[-20:])) from e

    def wait_greeting(self, lang: str = "nb") -> None:
        self.wait_bot("Eg er Kompetanseveilederen" if lang == "nn" else "Jeg er Kompetanseveilederen")

    def say(self, text: str, expect_reply: Optional[str] = None) -> None:
        n = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        if expect_reply:
            self.wait_bot(expect_reply, after=n)

    def click_choice(self, title: str, expect_reply: Optional[str] = None) -> None:
        n = self.bot_count()
        self.page.locator(".kvw-choice:not([disabled])", has_text=title).last.click()
        if expect_reply:
            self.wait_bot(expect_reply, after=n)

    def transcript(self) -> str:
        try:
            return self.log.inner_text(timeout=2000)
        except Exception:
            return "(no transcript)"

    def screenshot(self, state: str) -> Path:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{self.name}--{state}.png"
        self.page.screenshot(path=str(path), full_page=False)
        self.shots.append(path)
        return path

    # ---- the server side

    def tracker(self, sender: Optional[str] = None) -> dict:
        sender = sender or self.session_id()
        r = requests.get(f"{self.servers.rasa_url}/conversations/{sender}/tracker",
                         params={"token": API_TOKEN}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def user_texts(self, sender: Optional[str] = None) -> List[str]:
        return [e.get("text") or "" for e in self.tracker(sender)["events"] if e.get("event") == "user"]

    # ---- accessibility

    def axe(self, state: str) -> list:
        """Run axe-core in the page (WCAG 2.0/2.1 A and AA); return the violations."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE_JS))
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
            "resultTypes: ['violations']})", AXE_TAGS)
        violations = result["violations"]
        assert len(result["passes"]) >= 10, "axe-core did not really scan the page"
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{self.name}--axe-{state}.json").write_text(
            json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
        return violations

    def close(self) -> None:
        self.context.close()


def format_violations(violations: list) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}")
        for n in v["nodes"][:5]:
            lines.append(f"    {n['target']}: {n.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.fixture()
def kv(browser, site, servers, request):
    page = Kv(browser, site, servers, request.node.name)
    yield page
    try:
        page.screenshot("end")
    except Exception:
        pass
    page.close()
    assert not page.dialogs, f"a dialog opened (script ran?): {page.dialogs}"


@pytest.fixture()
def kv_factory(browser, site, servers, request):
    made: List[Kv] = []

    def make(suffix: str = "", viewport=(1280, 900)) -> Kv:
        k = Kv(browser, site, servers, f"{request.node.name}{suffix}", viewport=viewport)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()
    for k in made:
        assert not k.dialogs, f"a dialog opened (script ran?): {k.dialogs}"


def wait_until(fn, timeout: float = 10.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    return last
