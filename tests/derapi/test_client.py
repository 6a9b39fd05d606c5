"""The Derapi client against the simulator over loopback: lists, details, errors, intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.home_energy_cloud.api.derapi import (
    BatteryControlInterval,
    DerapiAuthError,
    DerapiBadRequestError,
    DerapiConnectionError,
    DerapiForbiddenError,
    DerapiNotFoundError,
    DerapiProtocolError,
    DerapiRateLimitError,
    DerapiVendorAuthError,
    DerapiVendorError,
    DerapiVendorTimeoutError,
    VendorCredentials,
)
from custom_components.home_energy_cloud.api.derapi.exceptions import DerapiError
from simulator import SimClock, Simulator
from simulator.derapi import DerapiCloud, scenario as sc

from .conftest import ClientFactory

ALL_SITES = {sc.HOME_SITE, sc.SMA_SITE, sc.SOLIS_SITE, sc.SOLAREDGE_SITE, sc.ENPHASE_SITE}


async def test_topology_and_details_with_every_vendor_header(
    make_client: ClientFactory, all_vendor_credentials: list[VendorCredentials]
) -> None:
    """Every site and device of the scenario, one request per device."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    topology = await client.async_get_topology()
    assert set(topology.sites) == ALL_SITES
    assert topology.errors == {}
    home = topology.sites[sc.HOME_SITE]
    assert home.solar_inverter_ids == sc.HOME_SMA_INVERTERS
    assert home.battery_ids == (sc.HOME_TESLA_BATTERY,)
    assert home.site.bess is not None
    assert home.site.bess.nameplate_kwh == 13.5
    before = client.stats.requests
    details = await client.async_get_details(topology.solar_inverter_ids, topology.battery_ids)
    assert details.failures == {}
    assert client.stats.requests - before == len(topology.solar_inverter_ids) + len(
        topology.battery_ids
    )
    powerwall = details.batteries[sc.HOME_TESLA_BATTERY]
    assert powerwall.vendor == "tesla"
    assert powerwall.model == "Powerwall 2"
    assert powerwall.mode == "Self Consumption"
    assert 0 <= (powerwall.state_of_charge_percent or -1) <= 100
    inverter = details.solar_inverters[sc.HOME_SMA_INVERTERS[0]]
    assert inverter.lifetime_production is not None
    assert inverter.lifetime_production.kwh > 0
    assert inverter.lifetime_production.start is None
    enphase_second = details.solar_inverters[sc.ENPHASE_INVERTERS[1]]
    assert enphase_second.recent_errors.has_error
    assert details.solar_inverters[sc.SOLIS_INVERTER].recent_errors.warnings == (
        "Grid overvoltage",
    )


async def test_stored_at_derapi_needs_no_vendor_headers(make_client: ClientFactory) -> None:
    """With credentials stored at Derapi, the client sends only its own token."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    topology = await client.async_get_topology()
    assert set(topology.sites) == ALL_SITES
    assert client.vendors == ()


async def test_only_vendors_with_headers_are_asked(
    make_client: ClientFactory, sma_credentials: VendorCredentials
) -> None:
    """A vendor without a header is absent, not an error (seed doc)."""
    client = make_client(vendor_credentials=[sma_credentials])
    topology = await client.async_get_topology()
    assert set(topology.sites) == {sc.HOME_SITE, sc.SMA_SITE}
    assert topology.errors == {}
    # The Tesla battery of the Home site is not visible without Tesla's header.
    assert topology.sites[sc.HOME_SITE].battery_ids == ()


async def test_sandbox_credentials_work_the_same_way(
    make_client: ClientFactory, solis_credentials: VendorCredentials
) -> None:
    """Virtual-mode credentials: same hosts, same headers, plus the virtual site."""
    client = make_client(
        client_id=sc.SANDBOX_CLIENT_ID,
        client_secret=sc.SANDBOX_CLIENT_SECRET,
        vendor_credentials=[solis_credentials],
    )
    topology = await client.async_get_topology()
    assert set(topology.sites) == {sc.VIRTUAL_SITE, sc.SOLIS_SITE}
    details = await client.async_get_details(topology.solar_inverter_ids, topology.battery_ids)
    assert details.batteries[sc.VIRTUAL_BATTERY].vendor == "virtual"


# --- the Derapi token -----------------------------------------------------------------------


async def test_token_is_cached_then_minted_before_expiry(
    make_client: ClientFactory, derapi_cloud: DerapiCloud, sim_clock: SimClock
) -> None:
    """One mint per hour, not one per request; renewed shortly before it expires."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    await client.async_list_sites()
    await client.async_list_sites()
    assert derapi_cloud.state.token_mints == 1
    sim_clock.advance(3500)
    await client.async_list_sites()
    assert derapi_cloud.state.token_mints == 1
    sim_clock.advance(60)  # 3560 s: inside the renewal margin
    await client.async_list_sites()
    assert derapi_cloud.state.token_mints == 2
    assert client.stats.token_renewals_after_401 == 0


async def test_refused_token_is_minted_again_once_and_retried(
    make_client: ClientFactory, derapi_cloud: DerapiCloud
) -> None:
    """A 401 (token revoked early) costs one mint and one retry; the caller never sees it."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    await client.async_list_sites()
    derapi_cloud.state.tokens.expire_all()
    listed = await client.async_list_sites()
    assert set(listed.ids) == ALL_SITES
    assert derapi_cloud.state.token_mints == 2
    assert client.stats.token_renewals_after_401 == 1


async def test_a_second_401_is_an_auth_error(
    make_client: ClientFactory, derapi_cloud: DerapiCloud
) -> None:
    """Retried once only: a fresh token refused as well means the account is refused."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    derapi_cloud.inject_problem(401, count=2)
    with pytest.raises(DerapiAuthError):
        await client.async_list_sites()
    assert len(derapi_cloud.api_requests) == 2


async def test_wrong_client_secret_is_an_auth_error(make_client: ClientFactory) -> None:
    """The token host refuses the account: reauth, and the secret is not in the message."""
    client = make_client(client_secret="wrong-secret-value")
    with pytest.raises(DerapiAuthError) as caught:
        await client.async_list_sites()
    assert "wrong-secret-value" not in str(caught.value)
    assert "invalid_client" in str(caught.value)


# --- vendor tokens across simulated days ------------------------------------------------------


async def test_every_vendor_stays_authorized_for_days_without_user_action(
    make_client: ClientFactory,
    all_vendor_credentials: list[VendorCredentials],
    derapi_cloud: DerapiCloud,
    sim_clock: SimClock,
    persisted: list[VendorCredentials],
) -> None:
    """Three simulated days of half-hourly refreshes: no vendor ever drops out."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    for _ in range(3 * 48):
        listed = await client.async_list_sites()
        assert listed.errors == {}
        assert set(listed.ids) == ALL_SITES
        sim_clock.advance(1800)
    stats = derapi_cloud.stats()
    # SMA: a 300 s token per refresh; Tesla every 8 h; Enphase daily (with rotation).
    assert stats["token_requests"]["sma"] >= 3 * 48
    assert stats["rotations"]["tesla"] >= 9
    assert stats["rotations"]["enphase"] >= 3
    # Every rotated refresh token was reported, the newest last, and it is the one that works.
    tesla_saved = [c for c in persisted if c.vendor == "tesla"]
    enphase_saved = [c for c in persisted if c.vendor == "enphase"]
    assert len(tesla_saved) == stats["rotations"]["tesla"]
    assert len(enphase_saved) == stats["rotations"]["enphase"]
    assert client.vendor_credentials["tesla"] == tesla_saved[-1]


async def test_sma_uses_its_refresh_token_while_it_lives(
    make_client: ClientFactory,
    sma_credentials: VendorCredentials,
    derapi_cloud: DerapiCloud,
    sim_clock: SimClock,
) -> None:
    """Every 4 minutes: tokens renewed with the refresh token, no new grant, no user action."""
    client = make_client(vendor_credentials=[sma_credentials])
    for _ in range(20):
        assert (await client.async_list_sites()).errors == {}
        sim_clock.advance(240)
    # A 300 s token seen every 240 s is renewed every other refresh, before it expires: one
    # client-credentials grant, then only refresh-token grants (each lives 1800 s idle).
    assert derapi_cloud.stats()["sma_grants"] == {"client_credentials": 1, "refresh_token": 9}


async def test_rotated_refresh_token_survives_a_restart(
    make_client: ClientFactory,
    tesla_credentials: VendorCredentials,
    persisted: list[VendorCredentials],
) -> None:
    """The reported token is what a new client (after a restart) must use; the old one is dead."""
    first = make_client(vendor_credentials=[tesla_credentials])
    await first.async_list_batteries()
    assert persisted, "the rotated Tesla refresh token was not reported"
    saved = persisted[-1].to_dict()
    assert saved["refresh_token"] != sc.TESLA_REFRESH_TOKEN

    from custom_components.home_energy_cloud.api.derapi import credentials_from_dict

    restarted = make_client(vendor_credentials=[credentials_from_dict(saved)])
    listed = await restarted.async_list_batteries()
    assert listed.errors == {}
    assert listed.ids == (sc.HOME_TESLA_BATTERY,)

    stale = make_client(vendor_credentials=[tesla_credentials])
    listed = await stale.async_list_batteries()
    assert listed.ids == ()
    assert listed.errors["tesla"].startswith("Unauthorized")


async def test_a_vendor_token_refusal_is_contained(
    make_client: ClientFactory,
    all_vendor_credentials: list[VendorCredentials],
    enphase_credentials: VendorCredentials,
) -> None:
    """A dead Enphase refresh token: Enphase reported as unauthorized, the others fine."""
    from dataclasses import replace

    broken = replace(enphase_credentials, refresh_token="revoked")  # type: ignore[call-arg]
    others = [c for c in all_vendor_credentials if c.vendor != "enphase"]
    client = make_client(vendor_credentials=[*others, broken])
    topology = await client.async_get_topology()
    assert set(topology.sites) == ALL_SITES - {sc.ENPHASE_SITE}
    assert topology.unauthorized_vendors() == ("enphase",)
    with pytest.raises(DerapiVendorAuthError) as caught:
        await client.async_check_vendor("enphase")
    assert caught.value.vendor == "enphase"
    assert "revoked" not in str(caught.value)


# --- partial failures -------------------------------------------------------------------------


async def test_vendor_failures_are_contained_in_errors_and_details(
    make_client: ClientFactory,
    all_vendor_credentials: list[VendorCredentials],
    derapi_cloud: DerapiCloud,
) -> None:
    """One vendor Unauthorized, one 504: named in `errors`, their devices fail alone."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    before = await client.async_get_topology()
    derapi_cloud.set_vendor_failure("solis", "unauthorized")
    derapi_cloud.set_vendor_failure("solaredge", "timeout")
    topology = await client.async_get_topology()
    assert set(topology.errors) == {"solis", "solaredge"}
    assert topology.unauthorized_vendors() == ("solis",)
    assert set(topology.sites) == ALL_SITES - {sc.SOLIS_SITE, sc.SOLAREDGE_SITE}
    details = await client.async_get_details(before.solar_inverter_ids, before.battery_ids)
    assert isinstance(details.failures[sc.SOLIS_INVERTER], DerapiForbiddenError)
    assert isinstance(details.failures[sc.SOLAREDGE_INVERTER], DerapiVendorTimeoutError)
    assert isinstance(details.failures[sc.SOLAREDGE_BATTERY], DerapiVendorTimeoutError)
    assert set(details.failures) == {sc.SOLIS_INVERTER, sc.SOLAREDGE_INVERTER, sc.SOLAREDGE_BATTERY}
    assert sc.HOME_TESLA_BATTERY in details.batteries

    derapi_cloud.set_vendor_failure("solis", None)
    derapi_cloud.set_vendor_failure("solaredge", None)
    assert (await client.async_get_topology()).errors == {}


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, DerapiBadRequestError),
        (403, DerapiForbiddenError),
        (404, DerapiNotFoundError),
        (500, DerapiConnectionError),
        (502, DerapiVendorError),
        (504, DerapiVendorTimeoutError),
    ],
)
async def test_problem_json_becomes_a_typed_error(
    make_client: ClientFactory,
    derapi_cloud: DerapiCloud,
    status: int,
    error_type: type[DerapiError],
) -> None:
    """Each documented status, with its problem+json body kept on the error."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    derapi_cloud.inject_problem(status)
    with pytest.raises(error_type) as caught:
        await client.async_get_site(sc.HOME_SITE)
    assert type(caught.value) is error_type
    assert caught.value.status == status
    assert caught.value.problem is not None
    assert caught.value.problem.status == status
    assert caught.value.problem.type.startswith("https://docs.derapi.com/reference/errors#")


async def test_rate_limit_keeps_retry_after(
    make_client: ClientFactory, derapi_cloud: DerapiCloud
) -> None:
    """429 with Retry-After: a connection-family error with the server's hint."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    derapi_cloud.inject_problem(429, retry_after="17")
    with pytest.raises(DerapiRateLimitError) as caught:
        await client.async_list_sites()
    assert caught.value.retry_after == 17.0


async def test_unknown_device_is_not_found(make_client: ClientFactory) -> None:
    """A real 404 from the fake, not an injected one."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    with pytest.raises(DerapiNotFoundError):
        await client.async_get_solar_inverter("solr-doesnotexist0000")


# --- pagination, generations, concurrency -----------------------------------------------------


async def test_pagination_is_followed_past_several_pages(
    make_client: ClientFactory, derapi_cloud: DerapiCloud
) -> None:
    """Pages of 2: 5 sites take 3 requests, 8 inverters 4; nothing lost, nothing twice."""
    derapi_cloud.state.settings.max_page_size = 2
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    sites = await client.async_list_sites()
    assert set(sites.ids) == ALL_SITES
    assert len(sites.ids) == 5
    inverters = await client.async_list_solar_inverters()
    assert len(inverters.ids) == 8
    paths = [path for _, path in derapi_cloud.api_requests]
    assert sum(p.startswith("/sites?") for p in paths) == 3
    assert sum(p.startswith("/solar-inverters?") for p in paths) == 4


async def test_a_repeated_page_token_stops_pagination(
    make_client: ClientFactory, derapi_cloud: DerapiCloud
) -> None:
    """A server that repeats a token would loop forever; the client refuses instead."""
    derapi_cloud.state.settings.max_page_size = 1
    derapi_cloud.state.settings.repeat_page_token = True
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    with pytest.raises(DerapiProtocolError, match="repeated"):
        await client.async_list_sites()
    assert len(derapi_cloud.api_requests) == 2


async def test_both_list_generations_give_the_same_ids(
    make_client: ClientFactory,
    all_vendor_credentials: list[VendorCredentials],
    derapi_cloud: DerapiCloud,
) -> None:
    """The seed doc's URL lists and v2024-09-01 objects name the same resources."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    current = await client.async_list_solar_inverters()
    derapi_cloud.state.settings.generation = "legacy"
    derapi_cloud.state.settings.max_page_size = 3
    legacy = await client.async_list_solar_inverters()
    assert legacy.ids == current.ids
    assert legacy.errors == current.errors == {}
    legacy_topology = await client.async_get_topology()
    assert set(legacy_topology.sites) == ALL_SITES


async def test_details_run_at_most_concurrency_at_a_time(
    make_client: ClientFactory, derapi_cloud: DerapiCloud, simulator: Simulator
) -> None:
    """200 devices at concurrency 8: the bound is reached and never exceeded."""
    derapi_cloud.use_large_account(200, 20)
    simulator.faults("derapi").latency = 0.01  # so that requests overlap
    client = make_client(
        client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET, concurrency=8
    )
    topology = await client.async_get_topology()
    requests_before = client.stats.requests
    details = await client.async_get_details(topology.solar_inverter_ids, topology.battery_ids)
    assert len(details.solar_inverters) + len(details.batteries) == 200
    assert client.stats.requests - requests_before == 200
    assert client.stats.max_in_flight == 8


# --- intervals and battery control ------------------------------------------------------------


async def test_intervals_page_and_add_up(
    make_client: ClientFactory, derapi_cloud: DerapiCloud, sim_clock: SimClock
) -> None:
    """A day of hourly intervals in pages of 5; the site's solar is its inverters' sum."""
    derapi_cloud.state.settings.max_page_size = 5
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    berlin = timezone(timedelta(hours=1))  # a '+' in the query must survive encoding
    end = datetime.fromtimestamp(sim_clock.time(), berlin).replace(minute=0, second=0)
    start = end - timedelta(days=1)
    site = await client.async_get_site_solar_intervals(sc.HOME_SITE, start, end)
    assert len(site) == 24
    assert [i.start for i in site] == sorted(i.start for i in site)
    per_inverter = [
        await client.async_get_solar_inverter_intervals(inverter, start, end)
        for inverter in sc.HOME_SMA_INVERTERS
    ]
    assert sum(i.kwh for i in site) == pytest.approx(
        sum(i.kwh for rows in per_inverter for i in rows), abs=1e-3
    )
    assert sum(i.kwh for i in site) > 0
    battery = await client.async_get_site_battery_intervals(sc.HOME_SITE, start, end)
    assert len(battery) == 24
    # A full day is one charge/discharge cycle: 75 % of 13.5 kWh each way.
    assert sum(i.charge_kwh for i in battery) == pytest.approx(13.5 * 0.75, abs=1e-2)
    assert sum(i.discharge_kwh for i in battery) == pytest.approx(13.5 * 0.75, abs=1e-2)
    device = await client.async_get_battery_intervals(sc.HOME_TESLA_BATTERY, start, end, "day")
    assert 1 <= len(device) <= 2


async def test_battery_control_changes_the_reported_mode(
    make_client: ClientFactory, sim_clock: SimClock
) -> None:
    """A discharge interval now: the schedule reads back active and the mode follows."""
    client = make_client(client_id=sc.STORED_CLIENT_ID, client_secret=sc.STORED_CLIENT_SECRET)
    now = datetime.fromtimestamp(sim_clock.time(), UTC)
    await client.async_set_battery_control(
        sc.HOME_SITE,
        [BatteryControlInterval("discharge", now - timedelta(minutes=1), now + timedelta(hours=1))],
    )
    control = await client.async_get_battery_control(sc.HOME_SITE)
    assert [(i.command, i.status) for i in control.intervals] == [("discharge", "active")]
    assert (await client.async_get_battery(sc.HOME_TESLA_BATTERY)).mode == "Savings"
    sim_clock.advance(2 * 3600)
    assert (await client.async_get_battery(sc.HOME_TESLA_BATTERY)).mode == "Self Consumption"
    with pytest.raises(DerapiBadRequestError):
        await client.async_set_battery_control(
            sc.HOME_SITE, [BatteryControlInterval("discharge", now, now - timedelta(hours=1))]
        )


async def test_a_revoked_vendor_token_is_replaced_at_the_next_refresh(
    make_client: ClientFactory,
    tesla_credentials: VendorCredentials,
    derapi_cloud: DerapiCloud,
) -> None:
    """Tesla revokes its access tokens early: one list reports it, the next has a new token."""
    client = make_client(vendor_credentials=[tesla_credentials])
    assert (await client.async_list_batteries()).errors == {}
    derapi_cloud.state.vendors.tesla_access.expire_all()
    assert (await client.async_list_batteries()).errors["tesla"].startswith("Unauthorized")
    healed = await client.async_list_batteries()
    assert healed.errors == {}
    assert healed.ids == (sc.HOME_TESLA_BATTERY,)


async def test_check_vendor_names_the_failing_vendor(
    make_client: ClientFactory,
    all_vendor_credentials: list[VendorCredentials],
    derapi_cloud: DerapiCloud,
) -> None:
    """One call per vendor: the good ones pass, a refused one and a failing one are typed."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    derapi_cloud.set_vendor_failure("solis", "unauthorized")
    derapi_cloud.set_vendor_failure("enphase", "error")
    for vendor in ("sma", "solaredge", "tesla"):
        await client.async_check_vendor(vendor)
    with pytest.raises(DerapiVendorAuthError) as refused:
        await client.async_check_vendor("solis")
    assert refused.value.vendor == "solis"
    with pytest.raises(DerapiVendorError) as failing:
        await client.async_check_vendor("enphase")
    assert failing.value.vendor == "enphase"
