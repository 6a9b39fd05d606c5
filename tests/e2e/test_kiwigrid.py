"""Solarwatt / Kiwigrid in the browser: set-up with a wrong password and its correction, the
site's device page, and the site's energy meters on the Energy dashboard."""

from __future__ import annotations

from playwright.sync_api import expect
import pytest

from simulator.kiwigrid.auth import PASSWORD, USERNAME

from . import ui
from .browser import BrowserSession
from .harness import DOMAIN, HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(420)

# The Advanced section's fields for the current Solarwatt cloud, and the simulator host of each.
HOST_FIELDS = {
    "Solarwatt login host": "keycloak",
    "Solarwatt portal host": "portal",
    "Solarwatt HEMS API host": "hems",
}


def _site_energy_meters(home_assistant: HomeAssistantProcess, entry_id: str) -> dict[str, str]:
    """The site's energy counters by translation key (pv_energy, grid_import_energy, ...)."""
    registry = home_assistant.ws({"type": "config/entity_registry/list"})
    return {
        item["translation_key"]: item["entity_id"]
        for item in registry
        if item.get("platform") == DOMAIN
        and item.get("config_entry_id") == entry_id
        and str(item.get("translation_key", "")).endswith("_energy")
    }


def test_add_solarwatt_with_a_wrong_password_then_the_right_one(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 5 (Kiwigrid): the Solarwatt portal refuses a wrong password under the form;
    the right one adds the site; its device page; its meters on the Energy dashboard."""
    hosts = simulator.control("GET", "")["hosts"]["kiwigrid"]
    dialog = ui.open_vendor_menu(session)
    dialog.get_by_text("Solarwatt / Kiwigrid Energy Manager").click()
    expect(dialog.get_by_text("How do you reach your Energy Manager's data?")).to_be_visible()
    session.shot("connection step")
    ui.submit(session)  # the current Solarwatt cloud is the first choice

    dialog.get_by_role("textbox", name="Email address").fill(USERNAME)
    dialog.locator("input[type=password]").fill(PASSWORD + "-wrong")
    dialog.get_by_role("button", name="Advanced").click()
    for label, host in HOST_FIELDS.items():
        dialog.get_by_role("textbox", name=label).fill(hosts[host])
    ui.submit(session)
    expect(dialog.get_by_text("The portal refused the email address or password.")).to_be_visible()
    session.shot("wrong password")
    assert home_assistant.entries() == []
    dialog.locator("input[type=password]").fill(PASSWORD)
    ui.submit(session)
    ui.finish_devices(session)
    session.shot("added")
    (entry,) = home_assistant.entries()
    assert entry["state"] == "loaded"

    meters = _site_energy_meters(home_assistant, entry["entry_id"])
    pv_meter = meters["pv_energy"]
    site = home_assistant.ws({"type": "config/entity_registry/get", "entity_id": pv_meter})
    session.goto(f"/config/devices/device/{site['device_id']}")
    page = session.page
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("site device")
    _meters_on_the_energy_dashboard(session, home_assistant, meters)
    session.assert_no_integration_errors()


def _meters_on_the_energy_dashboard(
    session: BrowserSession, home_assistant: HomeAssistantProcess, meters: dict[str, str]
) -> None:
    """Grid import and export, solar production, battery charge and discharge: each where the
    Energy dashboard takes it. (House consumption is what Home Assistant computes itself.)"""
    wait_until(
        "the site's meters in the recorder",
        lambda: set(meters.values()) <= home_assistant.statistic_ids(),
        timeout=120,
    )
    home_assistant.ws(
        {
            "type": "energy/save_prefs",
            "energy_sources": [
                {
                    "type": "grid",
                    "stat_energy_from": meters["grid_import_energy"],
                    "stat_energy_to": meters["grid_export_energy"],
                    "stat_cost": None,
                    "entity_energy_price": None,
                    "number_energy_price": None,
                    "stat_compensation": None,
                    "entity_energy_price_export": None,
                    "number_energy_price_export": None,
                    "cost_adjustment_day": 0,
                },
                {
                    "type": "solar",
                    "stat_energy_from": meters["pv_energy"],
                    "config_entry_solar_forecast": None,
                },
                {
                    "type": "battery",
                    "stat_energy_from": meters["battery_discharged_energy"],
                    "stat_energy_to": meters["battery_charged_energy"],
                },
            ],
        }
    )
    page = session.page
    session.goto("/energy")
    expect(page.locator("hui-energy-solar-graph-card")).to_have_count(1)
    expect(page.locator("hui-energy-usage-graph-card")).to_have_count(1)
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("energy dashboard")
