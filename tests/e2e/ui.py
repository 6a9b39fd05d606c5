"""What a user does in Home Assistant's UI, one function per step, shared by the scenarios and
``scripts/screenshots``.

Locators use roles and visible texts (the integration's English translations), as a user reads
the page; Playwright's role and CSS selectors pierce the frontend's open shadow roots. Where
the frontend gives a control no accessible name (the thermostat's +/- buttons), its element
name is used.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from .browser import BrowserSession

FLOW_DIALOG = "dialog-data-entry-flow"
MORE_INFO_DIALOG = "ha-more-info-dialog"


def flow_dialog(session: BrowserSession) -> Locator:
    """The config-flow dialog."""
    return session.page.locator(FLOW_DIALOG)


def open_vendor_menu(session: BrowserSession) -> Locator:
    """Settings -> Devices & services -> Add integration -> Home Energy Cloud: the menu."""
    page = session.page
    session.goto("/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    picker = page.locator("dialog-add-integration")
    picker.get_by_placeholder("Search").fill("Home Energy Cloud")
    picker.get_by_role("listitem").filter(has_text="Home Energy Cloud").click()
    dialog = flow_dialog(session)
    expect(dialog.get_by_text("Choose your cloud")).to_be_visible()
    return dialog


def electra_phone_step(session: BrowserSession, phone: str, base_url: str) -> Locator:
    """Pick Electra Smart, type the phone, open *Advanced* and point it at the simulator."""
    dialog = flow_dialog(session)
    dialog.get_by_text("Electra Smart air conditioners").click()
    dialog.get_by_role("textbox", name="Mobile number").fill(phone)
    dialog.get_by_role("button", name="Advanced").click()
    dialog.get_by_role("textbox", name="Cloud base URL").fill(base_url)
    return dialog


def submit(session: BrowserSession) -> None:
    """Press the flow's Submit button."""
    flow_dialog(session).get_by_role("button", name="Submit").click()


def expect_code_step(session: BrowserSession) -> Locator:
    """The SMS code step is shown."""
    dialog = flow_dialog(session)
    expect(dialog.get_by_text("SMS code", exact=True)).to_be_visible()
    return dialog


def enter_code(session: BrowserSession, code: str) -> None:
    """Type the SMS code and submit."""
    flow_dialog(session).get_by_role("textbox", name="Code").fill(code)
    submit(session)


def finish_devices(session: BrowserSession) -> list[str]:
    """The flow's last page names the new devices; finish without changes. The names shown."""
    dialog = flow_dialog(session)
    names = dialog.get_by_role("textbox", name="Device name")
    expect(names.first).to_be_visible()
    shown = [name.input_value() for name in names.all()]
    dialog.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    expect(dialog).to_be_hidden()
    return shown


def open_device(session: BrowserSession, device_name: str) -> None:
    """The integration's page, then the device's page."""
    page = session.page
    session.goto("/config/integrations/integration/home_energy_cloud")
    page.get_by_role("button", name=device_name).first.click()
    expect(page.get_by_role("heading", name="Device info")).to_be_visible()


def open_more_info(session: BrowserSession, entity_name: str, card: str = "Controls") -> Locator:
    """Click an entity in the page's card headed ``card``: its more-info dialog."""
    page = session.page
    heading = page.get_by_role("heading", name=card, exact=True)
    page.locator("ha-card").filter(has=heading).get_by_text(entity_name, exact=True).first.click()
    dialog = page.locator(MORE_INFO_DIALOG)
    expect(dialog.get_by_role("button", name=re.compile(r"^Mode "))).to_be_visible()
    return dialog


def thermostat_step(dialog: Locator, steps: int) -> None:
    """Press the thermostat's + (steps > 0) or - button, ``abs(steps)`` times."""
    buttons = dialog.locator("ha-state-control-climate-temperature ha-outlined-icon-button")
    button = buttons.nth(1) if steps > 0 else buttons.nth(0)
    for _ in range(abs(steps)):
        button.click()


def pick_from_menu(dialog: Locator, opener: Locator, item: str) -> None:
    """Open a menu with ``opener`` and pick ``item`` (its translated name).

    A click that lands while the menu is still opening is ignored by the frontend (seen once
    in CI: the menu stayed open and nothing was sent), so the pick is repeated while the menu
    is still showing the item.
    """
    opener.click()
    choice = dialog.get_by_role("menuitem", name=item, exact=True)
    for _ in range(3):
        choice.click()
        try:
            expect(choice).to_be_hidden(timeout=3_000)
        except AssertionError:
            if choice.is_visible():
                continue
        return
    expect(choice).to_be_hidden()


def choose_mode(dialog: Locator, mode: str) -> None:
    """Open the dialog's Mode menu and pick ``mode`` (its translated name: "Cool")."""
    pick_from_menu(dialog, dialog.get_by_role("button", name=re.compile(r"^Mode ")), mode)
    expect(dialog.get_by_role("button", name=f"Mode {mode}")).to_be_visible()


def choose_select_option(dialog: Locator, current: str, option: str) -> None:
    """In a select's more-info dialog, open the menu showing ``current`` and pick ``option``
    (translated names)."""
    pick_from_menu(dialog, dialog.get_by_text(current, exact=True).first, option)
