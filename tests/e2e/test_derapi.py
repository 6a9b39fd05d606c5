"""Derapi in the browser: set-up with vendor credentials, one refused and corrected, a device
page, and a site's solar production on the Energy dashboard; the battery mode changed from its
more-info dialog, and a vendor's repair shown and cleared."""

from __future__ import annotations

import re

from playwright.sync_api import expect
import pytest

from simulator.derapi import scenario

from . import ui
from .browser import BrowserSession
from .harness import DOMAIN, HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(420)

# The Advanced section's fields and the simulator host each stands in for.
HOST_FIELDS = {
    "Derapi API": "api",
    "Derapi token host": "auth",
    "SMA token host": "sma_auth",
    "Enphase token host": "enphase_auth",
    "Tesla token host": "tesla_auth",
}
# Each Derapi form has one secret, a password field: the frontend gives it no accessible name.
SECRET = "input[type=password]"
SOLAREDGE_SOLAR = f"{DOMAIN}:derapi_site_solaredge000001_solar_production"


def test_add_derapi_with_a_refused_vendor_credential(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 5 (Derapi): the API client, then SMA and SolarEdge credentials sent with each
    request; a wrong SolarEdge key is refused under the form and corrected; a SolarEdge
    device's page; the site's solar production on the Energy dashboard."""
    hosts = simulator.control("GET", "")["hosts"]["derapi"]
    dialog = ui.open_vendor_menu(session)
    dialog.get_by_text(re.compile(r"^Derapi \(solar and battery clouds")).click()
    expect(dialog.get_by_text("Derapi account")).to_be_visible()
    dialog.get_by_role("textbox", name="Client ID").fill(scenario.CLIENT_ID)
    dialog.locator(SECRET).fill(scenario.CLIENT_SECRET)
    dialog.get_by_role("button", name="Advanced").click()
    for label, host in HOST_FIELDS.items():
        dialog.get_by_role("textbox", name=label).fill(hosts[host])
    session.shot("account step")
    ui.submit(session)

    expect(dialog.get_by_text("Vendor authorization")).to_be_visible()
    dialog.get_by_role("radio", name="Sent by Home Assistant with each request").check()
    for vendor in ("SMA", "SolarEdge"):
        # The box's label takes the click (the drawn box lies over the input).
        dialog.get_by_text(vendor, exact=True).click()
        expect(dialog.get_by_role("checkbox", name=vendor, exact=True)).to_be_checked()
    session.shot("authorization step")
    ui.submit(session)

    expect(dialog.get_by_text("SMA credentials")).to_be_visible()
    dialog.get_by_role("textbox", name="SMA client ID").fill(scenario.SMA_CLIENT_ID)
    dialog.locator(SECRET).fill(scenario.SMA_CLIENT_SECRET)
    ui.submit(session)

    expect(dialog.get_by_text("SolarEdge credentials")).to_be_visible()
    dialog.locator(SECRET).fill("WRONG" + scenario.SOLAREDGE_API_KEY[5:])
    ui.submit(session)
    expect(dialog.get_by_text("SolarEdge refused these credentials.", exact=False)).to_be_visible()
    session.shot("solaredge refused")
    assert home_assistant.entries() == []
    dialog.locator(SECRET).fill(scenario.SOLAREDGE_API_KEY)
    ui.submit(session)
    ui.finish_devices(session)
    session.shot("added")
    (entry,) = home_assistant.entries()
    assert entry["state"] == "loaded"

    devices = home_assistant.devices(entry["entry_id"])
    solaredge = next(device for device in devices if device["manufacturer"] == "SolarEdge")
    session.goto(f"/config/devices/device/{solaredge['id']}")
    page = session.page
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()
    expect(page.get_by_text("SolarEdge").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("solaredge device")

    _solar_on_the_energy_dashboard(session, home_assistant)
    session.assert_no_integration_errors()


def _solar_on_the_energy_dashboard(
    session: BrowserSession, home_assistant: HomeAssistantProcess
) -> None:
    """Solar production belongs in the Energy dashboard's solar panels: the site's statistic."""
    page = session.page
    wait_until(
        "the site's solar production statistic",
        lambda: SOLAREDGE_SOLAR in home_assistant.statistic_ids(),
        timeout=120,
    )
    home_assistant.ws(
        {
            "type": "energy/save_prefs",
            "energy_sources": [
                {
                    "type": "solar",
                    "stat_energy_from": SOLAREDGE_SOLAR,
                    "config_entry_solar_forecast": None,
                }
            ],
        }
    )
    session.goto("/config/energy")
    # The statistic's name: the site's (SolarEdge's "Garage") solar production.
    expect(page.get_by_text("Garage solar production", exact=True)).to_be_visible()
    session.shot("energy configuration")
    session.goto("/energy")
    expect(page.locator("hui-energy-solar-graph-card")).to_have_count(1)
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("energy dashboard")


def _entity_id(home_assistant: HomeAssistantProcess, unique_id: str) -> str:
    registry = home_assistant.ws({"type": "config/entity_registry/list"})
    return next(
        str(item["entity_id"])
        for item in registry
        if item.get("platform") == DOMAIN and item.get("unique_id") == unique_id
    )


def _refresh(home_assistant: HomeAssistantProcess, entity_id: str) -> None:
    """Ask for the entity's update now (the devices are read every 5 minutes otherwise)."""
    home_assistant.call(
        "POST", "/api/services/homeassistant/update_entity", {"entity_id": entity_id}
    )


def _issues(home_assistant: HomeAssistantProcess) -> list[str]:
    listed = home_assistant.ws({"type": "repairs/list_issues"})["issues"]
    return [issue["issue_id"] for issue in listed if issue["domain"] == DOMAIN]


def test_battery_mode_from_its_card_and_a_vendor_repair(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 5b (Derapi): the Home site's battery mode changed in its more-info dialog shows
    once the site reports it; SolarEdge refusing its credential raises a repair under
    Settings -> Repairs, which goes away by itself once SolarEdge answers again."""
    result = home_assistant.add_vendor_entry(simulator, "derapi")
    assert result["type"] == "create_entry", result
    select = _entity_id(home_assistant, f"derapi_{scenario.HOME_SITE}_battery_mode_select")
    wait_until(
        "the Home site's battery mode",
        lambda: home_assistant.state(select)["state"] == "self_consumption",
    )
    registry = home_assistant.ws({"type": "config/device_registry/list"})
    home = next(
        device
        for device in registry
        if [DOMAIN, f"derapi_{scenario.HOME_SITE}"] in device["identifiers"]
    )
    session.goto(f"/config/devices/device/{home['id']}")
    page = session.page
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()
    controls = page.locator("ha-card").filter(
        has=page.get_by_role("heading", name="Controls", exact=True)
    )
    # The row's icon opens the entity's more-info dialog (its name opens the inline menu).
    controls.locator("state-badge").first.click()
    dialog = page.locator(ui.MORE_INFO_DIALOG)
    expect(dialog.get_by_text("Self-consumption").first).to_be_visible()
    session.shot("battery mode before")
    ui.choose_select_option(dialog, "Self-consumption", "Backup")
    wait_until(
        "the site to report Backup", lambda: home_assistant.state(select)["state"] == "backup"
    )
    expect(dialog.get_by_text("Backup").first).to_be_visible()
    session.shot("battery mode confirmed")
    # (Left open: closing it steps the browser history back, which would race the next page.)

    solaredge = _entity_id(
        home_assistant, f"derapi_{scenario.SOLAREDGE_INVERTER}_lifetime_production"
    )
    simulator.control(
        "POST", "derapi/vendor_failures", {"vendor": "solaredge", "failure": "unauthorized"}
    )
    _refresh(home_assistant, solaredge)
    wait_until("the repair issue", lambda: _issues(home_assistant))
    assert home_assistant.state(solaredge)["state"] == "unavailable"
    session.goto("/config/repairs")
    expect(page.get_by_text("SolarEdge refused its credentials", exact=False)).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("repair shown")

    simulator.control("DELETE", "derapi/vendor_failures")
    _refresh(home_assistant, solaredge)
    wait_until("the repair to clear", lambda: not _issues(home_assistant))
    session.goto("/config/repairs")
    expect(page.get_by_text("SolarEdge refused its credentials", exact=False)).to_have_count(0)
    assert home_assistant.state(solaredge)["state"] != "unavailable"
    session.shot("repair gone")
    session.assert_no_integration_errors()
