"""Generation 1 (kiwibus websocket) against the fake: data, paging, pushes, 419, disconnects."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.home_energy_cloud.api.exceptions import ApiConnectionError
from custom_components.home_energy_cloud.api.kiwigrid import (
    KiwibusClient,
    KiwigridConnectionError,
    KiwigridConnectionLostError,
    KiwigridProtocolError,
    KiwigridRequestError,
    KiwigridTokenExpiredError,
)
from custom_components.home_energy_cloud.api.kiwigrid.const import CLASS_BATTERY
from simulator import Simulator
from simulator.kiwigrid import (
    APP_GUID,
    BATTERY_GUIDS,
    EM_GUID,
    EV_GUID,
    EXTRA_METER_PREFIX,
    GRID_METER_GUID,
    INVERTER_GUID,
    LOCATION_GUID,
    KiwigridCloud,
)

from .helpers import advance_to_hour, control


async def test_site_has_every_device_classified(
    bus_client: KiwibusClient, simulator: Simulator
) -> None:
    advance_to_hour(simulator, 12)
    await bus_client.connect()
    site = await bus_client.get_site()
    assert site.location is not None
    assert site.location.guid == LOCATION_GUID
    assert site.location.power_produced is not None
    assert site.location.work_produced is not None
    assert site.energy_manager is not None
    assert site.energy_manager.guid == EM_GUID
    # MyReserve batteries are Inverters too: membership, not list position, decides.
    assert [b.guid for b in site.batteries] == list(BATTERY_GUIDS)
    assert [i.guid for i in site.inverters] == [INVERTER_GUID]
    assert [m.guid for m in site.power_meters] == [GRID_METER_GUID]
    assert [e.guid for e in site.ev_stations] == [EV_GUID]
    assert APP_GUID not in {d.guid for d in site.devices}  # invisible app skipped
    battery = site.batteries[0]
    assert battery.mode == "CHARGING"
    assert battery.state_of_health == 98.0
    assert battery.temperature == 24.5
    assert battery.serial_number is not None
    assert battery.serial_number not in repr(battery)


async def test_every_request_has_its_own_reply_address_and_the_token(
    bus_client: KiwibusClient,
) -> None:
    await bus_client.connect()
    results = await asyncio.gather(
        *(bus_client.get_devices({"guid": guid}) for guid in BATTERY_GUIDS)
    )
    assert [[d["guid"] for d in r] for r in results] == [[g] for g in BATTERY_GUIDS]


async def test_filter_and_projection(bus_client: KiwibusClient) -> None:
    await bus_client.connect()
    items = await bus_client.get_devices(
        {"deviceModel.deviceClass": CLASS_BATTERY},
        {"guid": 1, "tagValues": {"StateOfCharge": 1}},
    )
    assert [i["guid"] for i in items] == list(BATTERY_GUIDS)
    assert all(set(i) == {"guid", "tagValues"} for i in items)
    assert all(set(i["tagValues"]) == {"StateOfCharge"} for i in items)


async def test_paging_past_50_devices(
    bus_client: KiwibusClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    await control(simulator, "grow", {"extra_meters": 120})
    await bus_client.connect()
    site = await bus_client.get_site()
    extra = [m for m in site.power_meters if m.guid.startswith(EXTRA_METER_PREFIX)]
    assert len(extra) == 120
    assert len({m.guid for m in site.power_meters}) == 121
    assert kiwigrid.state.stats.bus_messages["getDevices"] == 3  # 127 devices, 50 a page


async def test_pushes_arrive_as_device_sets(
    bus_client: KiwibusClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    # The jump of 8 simulated hours below must not look like 8 hours without a ping, or the
    # fake's watchdog may close the socket (and drop the listener) before the push.
    await control(simulator, "settings", {"ping_timeout": 24 * 3600})
    advance_to_hour(simulator, 12)
    await bus_client.connect()
    first = await bus_client.get_site()
    assert await bus_client.register_device_set_listener()
    simulator.clock.advance(8 * 3600)  # 20:00: PV gone, batteries discharging
    pushed = await control(simulator, "push", {})
    assert pushed["pushed"] == len(kiwigrid.state.site.devices)
    sets = bus_client.device_sets()
    for _ in range(pushed["pushed"]):
        site = await anext(sets)
    assert first.location is not None
    assert site.location is not None
    assert site.location.power_produced == 0.0
    assert site.location.work_produced is not None
    assert first.location.work_produced is not None
    assert site.location.work_produced > first.location.work_produced
    assert all(b.mode == "DISCHARGING" for b in site.batteries)
    assert [b.guid for b in site.batteries] == list(BATTERY_GUIDS)


async def test_listener_refused_means_polling(
    bus_client: KiwibusClient, simulator: Simulator
) -> None:
    await control(simulator, "settings", {"listeners_supported": False})
    await bus_client.connect()
    assert not await bus_client.register_device_set_listener()
    assert (await bus_client.get_site()).location is not None


async def test_419_refreshes_the_token_and_resends(
    bus_client: KiwibusClient, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    await bus_client.get_site()
    kiwigrid.expire_tokens()
    site = await bus_client.get_site()
    assert site.location is not None
    assert (bus_client.logins, bus_client.refreshes) == (1, 1)


async def test_419_with_a_dead_portal_session_logs_in_again(
    bus_client: KiwibusClient, simulator: Simulator
) -> None:
    await bus_client.connect()
    await control(simulator, "expire_sessions", {})
    assert (await bus_client.get_site()).location is not None
    assert bus_client.logins == 2


async def test_419_after_renewal_is_typed(
    bus_client: KiwibusClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    await control(simulator, "settings", {"legacy_token_lifetime": 0.000001})
    kiwigrid.expire_tokens()
    with pytest.raises(KiwigridTokenExpiredError):
        await bus_client.get_site()


async def test_unknown_service_is_a_request_error(bus_client: KiwibusClient) -> None:
    await bus_client.connect()
    with pytest.raises(KiwigridRequestError) as caught:
        await bus_client.request("appservice", {"action": "getAppsInfo"})
    assert caught.value.code == 404


async def test_forced_disconnect_is_connection_lost(
    bus_client: KiwibusClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    await bus_client.get_site()
    await bus_client.register_device_set_listener()
    sets = bus_client.device_sets()
    dropped = await control(simulator, "drop_websockets", {})
    assert dropped == {"dropped": 1}
    with pytest.raises(KiwigridConnectionLostError) as caught:
        await anext(sets)
    assert isinstance(caught.value, ApiConnectionError)
    assert not bus_client.connected
    with pytest.raises(KiwigridConnectionLostError):
        await bus_client.get_site()
    # Reconnecting reuses the token (no new login) and leaves exactly one socket open.
    await bus_client.connect()
    assert (await bus_client.get_site()).location is not None
    assert bus_client.logins == 1
    assert len(kiwigrid.bus.connections) == 1
    assert kiwigrid.state.stats.websockets_opened == 2


async def test_client_pings_keep_the_socket(
    bus_client: KiwibusClient, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    await bus_client.get_site()
    assert kiwigrid.state.stats.pings >= 1  # the first ping right after "o"


async def test_server_ping_timeout_is_connection_lost(
    bus_client: KiwibusClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    # A round trip: the server has handled the ping the client sent right after "o".
    await bus_client.get_site()
    sets = bus_client.device_sets()
    # The client pings every 5 real seconds; 11 simulated seconds pass in an instant.
    simulator.clock.advance(kiwigrid.state.bus.ping_timeout + 1)
    with pytest.raises(KiwigridConnectionLostError, match="3000"):
        await anext(sets)


async def test_connect_twice_keeps_one_socket(
    bus_client: KiwibusClient, kiwigrid: KiwigridCloud
) -> None:
    await bus_client.connect()
    await bus_client.get_site()
    await bus_client.connect()
    await bus_client.get_site()
    assert kiwigrid.state.stats.websockets_opened == 2
    assert len(kiwigrid.bus.connections) == 1


async def test_broken_reply_fails_the_request_not_the_socket(
    bus_client: KiwibusClient, simulator: Simulator
) -> None:
    await bus_client.connect()
    await control(simulator, "settings", {"broken_replies": 1})
    with pytest.raises(KiwigridProtocolError):
        await bus_client.get_site()
    assert bus_client.connected
    assert (await bus_client.get_site()).location is not None


async def test_websocket_refused_is_a_connection_error(
    bus_client: KiwibusClient, simulator: Simulator
) -> None:
    await bus_client.login()
    simulator.faults("kiwigrid").update({"http_errors": 1})
    with pytest.raises(KiwigridConnectionError):
        await bus_client.connect()
    assert not bus_client.connected
