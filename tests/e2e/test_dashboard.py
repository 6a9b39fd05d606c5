"""The example dashboard (docs/dashboard.yaml) renders with the demo's entities, cleanly."""

from __future__ import annotations

from playwright.sync_api import expect
import pytest

from scripts.develop_setup import DASHBOARD_URL_PATH
from simulator.electra.scenario import PRIMARY_PHONE

from .browser import BrowserSession
from .harness import HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(600)


def test_example_dashboard_renders_without_console_errors(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Every card of the dashboard finds its entity; the browser console stays free of errors."""
    home_assistant.add_electra_entry(simulator, PRIMARY_PHONE)
    wait_until("the demo's thermostats", lambda: home_assistant.state("climate.office")["state"])
    page = session.page
    session.goto(f"/{DASHBOARD_URL_PATH}/air-conditioners")
    expect(page.locator("hui-thermostat-card")).to_have_count(3)
    for card in page.locator("hui-thermostat-card").all():
        expect(card.locator("ha-big-number").first).to_be_visible()
    expect(page.locator("hui-history-graph-card")).to_have_count(1)
    # A card whose entity does not exist shows a warning instead.
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("dashboard")
    assert session.errors == [], "\n".join(session.errors)
