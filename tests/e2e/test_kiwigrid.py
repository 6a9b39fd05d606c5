"""Solarwatt / Kiwigrid in the browser: set-up with a wrong password and its correction, the
site's and a battery's device pages, and the site's six energy meters on the Energy dashboard;
a local Energy Manager added from the UI and its battery's device page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
import pytest

from simulator.kiwigrid.auth import PASSWORD, USERNAME

from . import ui
from .browser import BrowserSession
from .harness import DOMAIN, HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(420)

BATTERY = "MyReserve 1"  # the scenario's first battery, by the name the manager gives it
# The Advanced section's fields for the current Solarwatt cloud, and the simulator host of each.
HOST_FIELDS = {
    "Solarwatt login host": "keycloak",
    "Solarwatt portal host": "portal",
    "Solarwatt HEMS API host": "hems",
}


def _entry_entities(home_assistant: HomeAssistantProcess, entry_id: str) -> list[dict[str, str]]:
    registry: list[dict[str, str]] = home_assistant.ws({"type": "config/entity_registry/list"})
    return [
        item
        for item in registry
        if item.get("platform") == DOMAIN and item.get("config_entry_id") == entry_id
    ]


def _site_energy_meters(home_assistant: HomeAssistantProcess, entry_id: str) -> dict[str, str]:
    """The site's energy counters by translation key (pv_energy, grid_import_energy, ...)."""
    site_device = next(
        item["device_id"]
        for item in _entry_entities(home_assistant, entry_id)
        if item.get("translation_key") == "pv_energy"
    )
    return {
        item["translation_key"]: item["entity_id"]
        for item in _entry_entities(home_assistant, entry_id)
        if item["device_id"] == site_device
        and str(item.get("translation_key", "")).endswith("_energy")
    }


def _battery_device(home_assistant: HomeAssistantProcess, entry_id: str, name: str) -> str:
    """The device id of the entry's battery called ``name`` (the scenario's "MyReserve 1")."""
    (device_id,) = (
        device["id"] for device in home_assistant.devices(entry_id) if device["name"] == name
    )
    return str(device_id)


def _device_card(page: Page, heading: str) -> Locator:
    """A card of the device page (Sensors, Diagnostic, ...), by its heading."""
    title = page.get_by_role("heading", name=heading, exact=True)
    return page.locator("ha-card").filter(has=title)


def _expect_rows(card: Locator, names: list[str]) -> None:
    for name in names:
        expect(card.get_by_text(name, exact=True)).to_be_visible()


def _open_battery_page(
    session: BrowserSession, home_assistant: HomeAssistantProcess, entry_id: str
) -> Page:
    session.goto(f"/config/devices/device/{_battery_device(home_assistant, entry_id, BATTERY)}")
    page = session.page
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()
    expect(page.get_by_text(BATTERY).first).to_be_visible()
    return page


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
    _battery_page_of_the_rest_portal(session, home_assistant, entry["entry_id"])
    _meters_on_the_energy_dashboard(session, home_assistant, meters)
    session.assert_no_integration_errors()


def _battery_page_of_the_rest_portal(
    session: BrowserSession, home_assistant: HomeAssistantProcess, entry_id: str
) -> None:
    """The REST portal's battery: state of charge, mode, backup reserve and flows up front,
    capacity under Diagnostic. (HEMS ``/battery`` reports no health or temperature.)"""
    page = _open_battery_page(session, home_assistant, entry_id)
    _expect_rows(
        _device_card(page, "Sensors"),
        [
            "State of charge",
            "Mode",
            "Backup reserve",
            "Charge power",
            "Discharge power",
            "Backup power",
        ],
    )
    diagnostic = _device_card(page, "Diagnostic")
    _expect_rows(diagnostic, ["Capacity"])
    expect(diagnostic.get_by_text("8.00 kWh")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("battery device (REST portal)")


def test_add_a_local_energy_manager_and_open_a_battery(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """The local Energy Manager from the UI (its address only); a battery's page shows state of
    charge, temperature and mode up front, state of health and capacity under Diagnostic."""
    local = simulator.control("GET", "")["hosts"]["kiwigrid"]["local"]
    dialog = ui.open_vendor_menu(session)
    dialog.get_by_text("Solarwatt / Kiwigrid Energy Manager").click()
    dialog.get_by_role("radio", name="Energy Manager on the local network").click()
    ui.submit(session)
    dialog.get_by_role("textbox", name="Address").fill(local.removeprefix("http://"))
    session.shot("local address")
    ui.submit(session)
    ui.finish_devices(session)
    (entry,) = home_assistant.entries()
    assert entry["state"] == "loaded"

    page = _open_battery_page(session, home_assistant, entry["entry_id"])
    sensors = _device_card(page, "Sensors")
    _expect_rows(sensors, ["State of charge", "Temperature", "Mode", "Charged energy"])
    expect(sensors.get_by_text("State of health", exact=True)).to_have_count(0)
    diagnostic = _device_card(page, "Diagnostic")
    _expect_rows(diagnostic, ["State of health", "Capacity"])
    expect(diagnostic.get_by_text("98.0%")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("battery device (local manager)")
    session.assert_no_integration_errors()


def _meters_on_the_energy_dashboard(
    session: BrowserSession, home_assistant: HomeAssistantProcess, meters: dict[str, str]
) -> None:
    """Grid import and export, solar production, battery charge and discharge: each where the
    Energy dashboard takes it. Home Assistant computes the home's total itself; the site's own
    house consumption meter goes where the dashboard takes a consumption meter, as an
    individual device (the only such slot on every supported version)."""
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
            "device_consumption": [{"stat_consumption": meters["house_consumption_energy"]}],
        }
    )
    page = session.page
    session.goto("/energy")
    expect(page.locator("hui-energy-solar-graph-card")).to_have_count(1)
    expect(page.locator("hui-energy-usage-graph-card")).to_have_count(1)
    devices = page.locator("hui-energy-devices-graph-card")
    expect(devices).to_have_count(1)
    detail = page.locator("hui-energy-devices-detail-graph-card")
    expect(detail.get_by_text("Solar site House consumption energy")).to_be_visible()
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("energy dashboard")
    devices.scroll_into_view_if_needed()
    session.shot("energy dashboard: house consumption as a device")
