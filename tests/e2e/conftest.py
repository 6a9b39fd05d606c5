"""Fixtures of the browser suite: one simulator, one Home Assistant, one Chromium per run.

The suite drives separate processes, so the in-process checks that
pytest-homeassistant-custom-component adds to every test (lingering tasks and threads, its
event-loop set-up, loading custom integrations into a test instance) do not apply: the
fixtures below replace them with no-ops for this folder, and its socket guard is lifted (the
suite talks to its processes over 127.0.0.1, from session-scoped fixtures too).

Artefacts go to a run folder (``E2E_ARTIFACTS``, default ``.e2e-runs/<time>``), printed at
the start: one folder per test with a screenshot per step, the browser console, and on a
failure Home Assistant's log.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import datetime
import os
from pathlib import Path
import shutil
import tempfile

import pytest
import pytest_socket

from .browser import Browser, BrowserSession, launch_browser
from .harness import ROOT, HomeAssistantProcess, SimulatorProcess

# --- what pytest-homeassistant-custom-component does for in-process tests, off here --------------


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Home Assistant runs in its own process, with the integration in its config folder.

    (The root conftest's version also starts an in-process recorder; here there is none.)
    """


@pytest.fixture(autouse=True)
def verify_cleanup() -> None:
    """No in-process Home Assistant here to leave tasks, timers or threads behind."""


@pytest.fixture(autouse=True)
def configure_event_loop() -> None:
    """Playwright's synchronous API runs its own loop; nothing to configure."""


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """As above."""


@pytest.fixture(autouse=True)
def reset_globals() -> None:
    """No in-process Home Assistant globals to reset."""


@pytest.fixture(autouse=True, scope="session")
def real_sockets_for_the_run() -> None:
    """Lift the socket guard the Home Assistant test plugin sets before every test..."""
    pytest_socket.enable_socket()


@pytest.fixture(autouse=True)
def real_sockets(real_sockets_for_the_run: None) -> None:
    """...for the session fixtures (set up first) and again for each test."""
    pytest_socket.enable_socket()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the run ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run_dir(request: pytest.FixtureRequest) -> Path:
    """The folder for this run's artefacts (announced on the terminal)."""
    chosen = os.environ.get("E2E_ARTIFACTS")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(chosen) if chosen else ROOT / ".e2e-runs" / stamp
    path.mkdir(parents=True, exist_ok=True)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"e2e artefacts (screenshots, console, logs): {path}")
    return path


@pytest.fixture(scope="session")
def simulator(run_dir: Path) -> Generator[SimulatorProcess]:
    """``python -m simulator --port 0``, for the whole run."""
    sim = SimulatorProcess.start(run_dir / "simulator.log")
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="session")
def home_assistant(run_dir: Path, simulator: SimulatorProcess) -> Generator[HomeAssistantProcess]:
    """A real Home Assistant with the integration, onboarded, for the whole run."""
    config = Path(tempfile.mkdtemp(prefix="e2e-hass-"))
    ha = HomeAssistantProcess.start(config, run_dir / "home-assistant.log")
    try:
        ha.onboard()
        yield ha
        # What Home Assistant's log reports as a bug of ours (a blocking call in the event
        # loop, a helper used the wrong way) fails the run even when every page looked right.
        reported = [
            line
            for line in ha.log.read_text(errors="replace").splitlines()
            if "home_energy_cloud" in line
            and ("Detected blocking call" in line or "Detected that custom integration" in line)
        ]
        assert not reported, "\n".join(reported)
    finally:
        ha.stop()
        shutil.rmtree(config, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Generator[Browser]:
    """Debian's Chromium, driven by Playwright, for the whole run."""
    with launch_browser() as launched:
        yield launched


@pytest.fixture
def session(
    request: pytest.FixtureRequest,
    run_dir: Path,
    browser: Browser,
    simulator: SimulatorProcess,
    home_assistant: HomeAssistantProcess,
) -> Generator[BrowserSession]:
    """A fresh browser context logged in to Home Assistant, its artefacts in the test's folder.

    Every scenario starts without config entries of the integration, against the simulator's
    default scenario, and ends removing its entries.
    """
    home_assistant.remove_entries()
    simulator.control("POST", "reset")
    folder = run_dir / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with BrowserSession.open(browser, home_assistant, folder) as opened:
        yield opened
        failed = any(
            getattr(getattr(request.node, f"report_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            opened.shot("failure")
            shutil.copy(home_assistant.log, folder / "home-assistant.log")
    home_assistant.remove_entries()
