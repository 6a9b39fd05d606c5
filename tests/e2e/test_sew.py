"""SEW utility in the browser: the utility picked by searching its short name, a wrong password
refused under the form and corrected, the account and meter choice, a meter's device page, and
the imported usage and cost on the Energy dashboard and the water dashboard."""

from __future__ import annotations

from playwright.sync_api import expect
import pytest

from simulator.sew.scenario import (
    ELECTRIC_METER,
    HOME_ACCOUNT,
    HOME_UTILITY_ACCOUNT,
    PASSWORD,
    USERNAME,
    WATER_METER,
)

from . import ui
from .browser import BrowserSession
from .harness import DOMAIN, HomeAssistantProcess, SimulatorProcess, wait_until

pytestmark = pytest.mark.timeout(420)

UTILITY = "Nebraska Public Power District"
# The recorder's statistics of the home's meters (``sew_<utility>_<account>_<meter>_...``).
PREFIX = f"{DOMAIN}:sew_nppd_{HOME_ACCOUNT}"
ELECTRIC_CONSUMPTION = f"{PREFIX}_{ELECTRIC_METER.lower()}_energy_consumption"
ELECTRIC_COST = f"{PREFIX}_{ELECTRIC_METER.lower()}_energy_cost"
ELECTRIC_RETURN = f"{PREFIX}_{ELECTRIC_METER.lower()}_energy_return"
ELECTRIC_CREDIT = f"{PREFIX}_{ELECTRIC_METER.lower()}_energy_credit"
WATER_CONSUMPTION = f"{PREFIX}_{WATER_METER.lower()}_water_consumption"
WATER_COST = f"{PREFIX}_{WATER_METER.lower()}_water_cost"
# The sign-in form's password field: the frontend gives it no accessible name.
SECRET = "input[type=password]"


def test_add_sew_utility_with_a_wrong_password_then_the_right_one(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 5 (SEW): NPPD found by typing "NPPD"; the simulator's PortalService host in
    Advanced; a wrong password refused under the form; the home account and both meters; the
    electric meter's page; its consumption and cost on the Energy dashboard, the water meter on
    the water dashboard."""
    portal = simulator.control("GET", "")["hosts"]["sew"]["portal_a"]
    dialog = ui.open_vendor_menu(session)
    dialog.get_by_text("Electric or water utility (SEW Smart Customer Mobile)").click()
    expect(dialog.get_by_text("Your utility", exact=True)).to_be_visible()
    # Before a choice the picker shows none (not the first option's raw id).
    expect(dialog.locator("ha-generic-picker")).not_to_contain_text("hidroelectrica")
    session.shot("utility picker")
    dialog.locator("ha-generic-picker").click()
    dialog.get_by_placeholder("Search").fill("NPPD")
    dialog.get_by_text(UTILITY, exact=True).click()
    session.shot("utility picked")
    ui.submit(session)

    expect(dialog.get_by_text(f"Sign in to {UTILITY}")).to_be_visible()
    dialog.get_by_role("textbox", name="Username").fill(USERNAME)
    dialog.locator(SECRET).fill(PASSWORD + "-wrong")
    dialog.get_by_role("button", name="Advanced").click()
    dialog.get_by_role("textbox", name="Service address").fill(portal)
    session.shot("sign-in step")
    ui.submit(session)
    expect(dialog.get_by_text("The utility refused this username or password.")).to_be_visible()
    session.shot("wrong password")
    assert home_assistant.entries() == []
    dialog.locator(SECRET).fill(PASSWORD)
    ui.submit(session)

    expect(dialog.get_by_text("This sign-in has several accounts.")).to_be_visible()
    dialog.get_by_role("radio", name=HOME_UTILITY_ACCOUNT).check()
    session.shot("account step")
    ui.submit(session)
    expect(dialog.get_by_text("Pick the meters of this account to add.")).to_be_visible()
    for meter in (ELECTRIC_METER, WATER_METER):
        # Every meter is picked by default.
        expect(dialog.get_by_role("checkbox", name=meter)).to_be_checked()
    session.shot("meters step")
    ui.submit(session)
    ui.finish_devices(session)
    session.shot("added")
    (entry,) = home_assistant.entries()
    assert entry["state"] == "loaded"

    devices = home_assistant.devices(entry["entry_id"])
    names = {str(device["name"]) for device in devices}
    assert names == {f"{UTILITY} account", "Electric meter", "Water meter"}
    electric = next(device for device in devices if device["name"] == "Electric meter")
    session.goto(f"/config/devices/device/{electric['id']}")
    page = session.page
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()
    expect(page.get_by_text("Usage this billing period").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    session.shot("electric meter device")

    _usage_on_the_dashboards(session, home_assistant)
    session.assert_no_integration_errors()


def _usage_on_the_dashboards(session: BrowserSession, home_assistant: HomeAssistantProcess) -> None:
    """The imported statistics (not the sensors) in the slots the README names: electricity as
    grid consumption with its cost, solar return with its credit, water consumption."""
    wanted = {
        ELECTRIC_CONSUMPTION,
        ELECTRIC_COST,
        ELECTRIC_RETURN,
        ELECTRIC_CREDIT,
        WATER_CONSUMPTION,
        WATER_COST,
    }
    wait_until(
        "the meters' imported statistics",
        lambda: wanted <= home_assistant.statistic_ids(),
        timeout=120,
    )
    home_assistant.ws(
        {
            "type": "energy/save_prefs",
            "energy_sources": [
                {
                    "type": "grid",
                    "stat_energy_from": ELECTRIC_CONSUMPTION,
                    "stat_energy_to": ELECTRIC_RETURN,
                    "stat_cost": ELECTRIC_COST,
                    "entity_energy_price": None,
                    "number_energy_price": None,
                    "stat_compensation": ELECTRIC_CREDIT,
                    "entity_energy_price_export": None,
                    "number_energy_price_export": None,
                    "cost_adjustment_day": 0,
                },
                {
                    "type": "water",
                    "stat_energy_from": WATER_CONSUMPTION,
                    "stat_cost": WATER_COST,
                    "entity_energy_price": None,
                    "number_energy_price": None,
                },
            ],
        }
    )
    page = session.page
    session.goto("/config/energy")
    expect(page.get_by_text(f"{UTILITY} energy consumption", exact=True)).to_be_visible()
    session.shot("energy configuration")
    page.get_by_role("tab", name="Water").click()
    expect(page.get_by_text(f"{UTILITY} water consumption", exact=True)).to_be_visible()
    session.shot("water configuration")
    session.goto("/energy")
    expect(page.locator("hui-energy-usage-graph-card")).to_have_count(1)
    expect(page.locator("hui-warning")).to_have_count(0)
    # Utilities publish a day or more late (the simulator's last day comes out piecemeal over
    # 36 hours): the day before yesterday is the newest whole day in every time zone.
    previous = page.get_by_role("button", name="Previous")
    previous.click()
    previous.click()
    expect(page.get_by_text("There is no data to show")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("energy dashboard")
    page.get_by_role("tab", name="Water").click()
    expect(page.locator("hui-energy-water-graph-card")).to_have_count(1)
    expect(page.locator("hui-warning")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    session.shot("water dashboard")
