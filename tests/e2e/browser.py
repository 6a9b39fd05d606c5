"""Debian's Chromium driven by Playwright: launching it, logging in, screenshots, the console.

Never let Playwright download a browser of its own: that cannot work on a closed network. The
system's Chromium (``apt-get install chromium chromium-driver``) is launched instead, with the
flags that keep it from reaching out (without the background-networking ones its connections
are refused here).
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
import re
from typing import Self

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error as PlaywrightError,
    Page,
    Response,
    expect,
    sync_playwright,
)

from .harness import DOMAIN, PASSWORD, USERNAME, HomeAssistantProcess

__all__ = ["Browser", "BrowserSession", "launch_browser"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Home Assistant's dialogs and cards animate; a step waits this long at most for what it expects.
STEP_TIMEOUT_MS = 30_000


@contextlib.contextmanager
def launch_browser() -> Iterator[Browser]:
    """Start Chromium; a clear error when the Debian package is missing."""
    if not CHROMIUM.is_file():
        raise RuntimeError(
            f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"
            " (Playwright's own browser download cannot work here)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserSession:
    """One browser context logged in to Home Assistant, with its console and screenshots."""

    page: Page
    ha: HomeAssistantProcess
    folder: Path
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    flow_ids: set[str] = field(default_factory=set)
    steps: int = 0

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        browser: Browser,
        ha: HomeAssistantProcess,
        folder: Path,
        viewport: tuple[int, int] = (1280, 900),
    ) -> Iterator[Self]:
        """A new context and page, logged in; on the way out the console is written down."""
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="en-US",
            timezone_id="Asia/Jerusalem",
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        page = context.new_page()
        session = cls(page, ha, folder)
        page.on("console", session._on_console)
        page.on("pageerror", lambda error: session._record("pageerror", str(error), ""))
        page.on("response", session._on_response)
        try:
            session.login()
            yield session
        finally:
            (folder / "console.log").write_text("\n".join(session.console) + "\n")
            with contextlib.suppress(PlaywrightError):
                context.close()
            session.abort_flows()

    def _on_console(self, message: ConsoleMessage) -> None:
        location = message.location.get("url", "") if message.location else ""
        self._record(message.type, message.text, location)

    def _on_response(self, response: Response) -> None:
        """Note the config flows the UI starts: a user flow left open blocks the next one."""
        if "/api/config/config_entries/" in response.url and response.request.method == "POST":
            with contextlib.suppress(PlaywrightError, ValueError):
                if isinstance(body := response.json(), dict) and "flow_id" in body:
                    self.flow_ids.add(str(body["flow_id"]))

    def abort_flows(self) -> None:
        """Abort the flows this session started that are still open (Home Assistant's REST
        API lists only discovery and reauth flows, not those a user started)."""
        for flow_id in self.flow_ids:
            with contextlib.suppress(Exception):
                self.ha.call("DELETE", f"/api/config/config_entries/flow/{flow_id}")

    def _record(self, kind: str, text: str, location: str) -> None:
        line = f"[{kind}] {text}" + (f" ({location})" if location else "")
        self.console.append(line)
        if kind in {"error", "pageerror"}:
            self.errors.append(line)

    # --- steps --------------------------------------------------------------------------------

    def shot(self, name: str) -> Path:
        """Save a screenshot of the page as the next step of this test."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.steps:02d}-{slug}.png"
        self.page.screenshot(path=path)
        return path

    def login(self) -> None:
        """Log in through Home Assistant's own login page, as the onboarded owner."""
        page = self.page
        page.goto(self.ha.url)
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("home-assistant-main")).to_be_attached()
        self.shot("logged in")

    def goto(self, path: str) -> None:
        """Open a page of Home Assistant's UI (``/config/integrations``, say)."""
        self.page.goto(f"{self.ha.url}{path}")

    def integration_errors(self) -> list[str]:
        """Console errors that concern the integration."""
        return [line for line in self.errors if DOMAIN in line]

    def assert_no_integration_errors(self) -> None:
        """Fail on a console error from the integration (all are in console.log)."""
        assert not self.integration_errors(), "\n".join(self.integration_errors())
