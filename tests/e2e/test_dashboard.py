"""The example dashboard (docs/dashboard.yaml) renders with the demo's entities, cleanly."""

from __future__ import annotations

from playwright.sync_api import expect
import pytest

from scripts.develop_setup import DASHBOARD_URL_PATH

from .browser import BrowserSession
from .harness import DOMAIN, HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(600)

HOME_SOLAR = f"{DOMAIN}:derapi_site_home000000000001_solar_production"
SEW_STATISTICS = {
    f"{DOMAIN}:sew_nppd_3001234567_e1000001_energy_consumption",
    f"{DOMAIN}:sew_nppd_3001234567_e1000001_energy_return",
    f"{DOMAIN}:sew_nppd_3001234567_w2000001_water_consumption",
}


def test_example_dashboard_renders_without_console_errors(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Every card of the dashboard finds its entity; the browser console stays free of errors."""
    home_assistant.add_demo_entries(simulator)
    wait_until("the demo's thermostats", lambda: home_assistant.state("climate.office")["state"])
    wait_until("the demo's battery", lambda: home_assistant.state("sensor.home_battery")["state"])
    wait_until(
        "the demo's solar production statistic",
        lambda: HOME_SOLAR in home_assistant.statistic_ids(),
        timeout=120,
    )
    wait_until(
        "the demo's utility statistics",
        lambda: SEW_STATISTICS.issubset(home_assistant.statistic_ids()),
        timeout=120,
    )
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

    session.goto(f"/{DASHBOARD_URL_PATH}/solar-batteries")
    expect(page.locator("hui-gauge-card")).to_have_count(1)
    expect(page.locator("hui-statistics-graph-card")).to_have_count(1)
    expect(page.locator("hui-tile-card")).to_have_count(2)
    expect(page.locator("hui-warning")).to_have_count(0)
    expect(page.locator("hui-statistics-graph-card").locator("ha-chart-base")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("solar and batteries")

    session.goto(f"/{DASHBOARD_URL_PATH}/solarwatt")
    expect(page.locator("hui-tile-card")).to_have_count(8)
    expect(page.locator("hui-history-graph-card")).to_have_count(1)
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("solarwatt site")

    session.goto(f"/{DASHBOARD_URL_PATH}/utility")
    expect(page.locator("hui-entities-card")).to_have_count(1)
    expect(page.locator("hui-tile-card")).to_have_count(4)
    expect(page.locator("hui-statistics-graph-card")).to_have_count(2)
    expect(page.locator("hui-warning")).to_have_count(0)
    for chart in page.locator("hui-statistics-graph-card").all():
        expect(chart.locator("ha-chart-base")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("utility")
    assert session.errors == [], "\n".join(session.errors)
