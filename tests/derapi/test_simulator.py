"""Rules of the Derapi fake, checked with plain HTTP (no client in between)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from simulator import SimClock, Simulator
from simulator.derapi import DerapiCloud, scenario as sc


def basic(user: str, password: str, newline: bool = False) -> str:
    """An HTTP Basic header value (optionally with the doc's `base64 <<<` newline)."""
    raw = f"{user}:{password}" + ("\n" if newline else "")
    return "Basic " + base64.b64encode(raw.encode()).decode()


async def derapi_token(http: aiohttp.ClientSession, simulator: Simulator, client: str) -> str:
    """A Derapi token for one of the scenario's clients."""
    secrets = {
        sc.CLIENT_ID: sc.CLIENT_SECRET,
        sc.STORED_CLIENT_ID: sc.STORED_CLIENT_SECRET,
        sc.SANDBOX_CLIENT_ID: sc.SANDBOX_CLIENT_SECRET,
    }
    async with http.post(
        simulator.host_url("derapi", "auth") + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic(client, secrets[client])},
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    token: str = body["access_token"]
    return token


async def api_get(
    http: aiohttp.ClientSession,
    simulator: Simulator,
    path: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
) -> tuple[int, str, Any]:
    """(status, content type, JSON body) of one API GET."""
    async with http.get(
        simulator.host_url("derapi", "api") + path, headers=headers, params=params
    ) as response:
        return response.status, response.content_type, await response.json(content_type=None)


async def sma_token(http: aiohttp.ClientSession, simulator: Simulator) -> dict[str, Any]:
    """A fresh SMA token answer (client credentials)."""
    async with http.post(
        simulator.host_url("derapi", "sma_auth") + "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": "monitoringApi:read"},
        headers={"Authorization": basic(sc.SMA_CLIENT_ID, sc.SMA_CLIENT_SECRET)},
    ) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def test_token_host_refuses_wrong_secret_and_grant(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """invalid_client for a wrong secret, unsupported_grant_type for anything else."""
    url = simulator.host_url("derapi", "auth") + "/oauth2/token"
    wrong = {"Authorization": basic(sc.CLIENT_ID, "nope")}
    async with http.post(url, data={"grant_type": "client_credentials"}, headers=wrong) as r:
        assert r.status == 401
        assert (await r.json())["error"] == "invalid_client"
    right = {"Authorization": basic(sc.CLIENT_ID, sc.CLIENT_SECRET)}
    async with http.post(url, data={"grant_type": "password"}, headers=right) as r:
        assert r.status == 400


async def test_api_needs_a_live_token(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """No token, or one older than an hour: 401 problem+json."""
    status, content_type, body = await api_get(http, simulator, "/sites", {})
    assert (status, content_type) == (401, "application/problem+json")
    assert body["title"] == "Unauthorized"
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api_get(http, simulator, "/sites", headers))[0] == 200
    sim_clock.advance(3600)
    assert (await api_get(http, simulator, "/sites", headers))[0] == 401


async def test_api_version(http: aiohttp.ClientSession, simulator: Simulator) -> None:
    """None (as the SDK sends) or the current one are fine; another is refused."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api_get(http, simulator, "/sites", headers))[0] == 200
    current = {**headers, "api-version": "v2024-09-01"}
    assert (await api_get(http, simulator, "/sites", current))[0] == 200
    other = {**headers, "api-version": "v2031-01-01"}
    assert (await api_get(http, simulator, "/sites", other))[0] == 400


async def test_list_shape_as_the_sdk_needs_it(
    http: aiohttp.ClientSession, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    """`errors` always present; `nextPageToken` only while pages remain (never null)."""
    derapi_cloud.state.settings.max_page_size = 3
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    _, _, first = await api_get(http, simulator, "/sites", headers)
    assert len(first["sites"]) == 3
    assert first["errors"] == {}
    assert isinstance(first["nextPageToken"], str)
    params = {"pageToken": first["nextPageToken"]}
    _, _, last = await api_get(http, simulator, "/sites", headers, params)
    assert len(last["sites"]) == 2
    assert "nextPageToken" not in last
    assert last["errors"] == {}


async def test_legacy_generation_lists_urls_on_the_api_origin(
    http: aiohttp.ClientSession, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    """The seed doc's shape: `solar-inverters` as absolute resource URLs."""
    derapi_cloud.state.settings.generation = "legacy"
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    _, _, body = await api_get(
        http, simulator, "/solar-inverters", {"Authorization": f"Bearer {token}"}
    )
    origin = simulator.host_url("derapi", "api")
    assert f"{origin}/solar-inverters/{sc.SOLIS_INVERTER}" in body["solar-inverters"]
    assert body["errors"] == {}


async def test_vendor_headers_absent_valid_invalid(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """No header: vendor not asked. Valid: listed. Invalid: in `errors`, devices 403."""
    token = await derapi_token(http, simulator, sc.CLIENT_ID)
    base = {"Authorization": f"Bearer {token}"}
    _, _, body = await api_get(http, simulator, "/sites", base)
    assert body == {"sites": [], "errors": {}}

    solis_ok = {**base, "X-Authorization-solis": basic(sc.SOLIS_KEY_ID, sc.SOLIS_KEY_SECRET)}
    _, _, body = await api_get(http, simulator, "/sites", solis_ok)
    assert body["sites"] == [{"id": sc.SOLIS_SITE}]
    # The doc's `base64 <<<` example encodes a trailing newline; Derapi takes it too.
    with_newline = {
        **base,
        "X-Authorization-solis": basic(sc.SOLIS_KEY_ID, sc.SOLIS_KEY_SECRET, newline=True),
    }
    assert (await api_get(http, simulator, "/sites", with_newline))[2]["sites"]

    edge_bad = {**base, "X-Authorization-solaredge": "not-the-key"}
    _, _, body = await api_get(http, simulator, "/sites", edge_bad)
    assert body["sites"] == []
    assert body["errors"]["solaredge"].startswith("Unauthorized: ")
    status, content_type, _ = await api_get(
        http, simulator, f"/solar-inverters/{sc.SOLAREDGE_INVERTER}", edge_bad
    )
    assert (status, content_type) == (403, "application/problem+json")
    status, _, _ = await api_get(http, simulator, f"/solar-inverters/{sc.SOLIS_INVERTER}", base)
    assert status == 403


async def test_sma_tokens_last_300_seconds(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """An SMA access token works at 299 s and not at 300 s; its refresh token works once."""
    answer = await sma_token(http, simulator)
    assert answer["expires_in"] == 300
    assert answer["refresh_expires_in"] == 1800
    token = await derapi_token(http, simulator, sc.CLIENT_ID)
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Authorization-sma": f"Bearer {answer['access_token']}",
    }
    sim_clock.advance(299)
    assert (await api_get(http, simulator, "/sites", headers))[2]["errors"] == {}
    sim_clock.advance(1)
    assert "sma" in (await api_get(http, simulator, "/sites", headers))[2]["errors"]

    url = simulator.host_url("derapi", "sma_auth") + "/oauth2/token"
    auth = {"Authorization": basic(sc.SMA_CLIENT_ID, sc.SMA_CLIENT_SECRET)}
    form = {"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]}
    async with http.post(url, data=form, headers=auth) as response:
        assert response.status == 200
    async with http.post(url, data=form, headers=auth) as response:
        assert response.status == 400  # spent


async def test_tesla_refresh_tokens_rotate(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """Each refresh returns a new refresh token; the spent one is refused."""
    url = simulator.host_url("derapi", "tesla_auth") + "/oauth2/v3/token"
    form = {
        "grant_type": "refresh_token",
        "client_id": sc.TESLA_CLIENT_ID,
        "refresh_token": sc.TESLA_REFRESH_TOKEN,
    }
    async with http.post(url, data=form) as response:
        assert response.status == 200
        fresh = await response.json()
    assert fresh["refresh_token"] != sc.TESLA_REFRESH_TOKEN
    assert fresh["expires_in"] == 8 * 3600
    async with http.post(url, data=form) as response:
        assert response.status == 401
    async with http.post(url, data={**form, "refresh_token": fresh["refresh_token"]}) as response:
        assert response.status == 200


async def test_enphase_needs_the_api_key_header_too(
    http: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """A valid Enphase bearer without `X-enphase-api-key` is unauthorized."""
    url = simulator.host_url("derapi", "enphase_auth") + "/oauth/token"
    params = {"grant_type": "refresh_token", "refresh_token": sc.ENPHASE_REFRESH_TOKEN}
    auth = {"Authorization": basic(sc.ENPHASE_CLIENT_ID, sc.ENPHASE_CLIENT_SECRET)}
    async with http.post(url, params=params, headers=auth) as response:
        assert response.status == 200
        answer = await response.json()
    token = await derapi_token(http, simulator, sc.CLIENT_ID)
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Authorization-enphase": f"Bearer {answer['access_token']}",
    }
    assert "enphase" in (await api_get(http, simulator, "/sites", headers))[2]["errors"]
    headers["X-enphase-api-key"] = sc.ENPHASE_API_KEY
    _, _, body = await api_get(http, simulator, "/sites", headers)
    assert body == {"sites": [{"id": sc.ENPHASE_SITE}], "errors": {}}


async def test_intervals_are_closed_whole_periods(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """Required start/end; widened to whole hours; nothing after now; night is dark."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/solar-inverters/{sc.SMA_FARM_INVERTERS[0]}/intervals"
    assert (await api_get(http, simulator, path, headers))[0] == 400
    now = datetime.fromtimestamp(sim_clock.time(), UTC)
    params = {
        "summaryLevel": "hour",
        "start": (now - timedelta(hours=30, minutes=20)).isoformat(),
        "end": (now + timedelta(hours=5)).isoformat(),
        "pageSize": "1000",
    }
    status, _, body = await api_get(http, simulator, path, headers, params)
    assert status == 200
    assert body["id"] == sc.SMA_FARM_INVERTERS[0]
    assert body["summaryLevel"] == "hour"
    rows = body["intervals"]
    assert len(rows) in (30, 31)
    assert all(datetime.fromisoformat(row["end"]) <= now for row in rows)
    assert datetime.fromisoformat(rows[0]["start"]).minute == 0
    # Berlin (UTC+1) sees no sun between 18:00 and 06:00 local time.
    for row in rows:
        local_hour = (datetime.fromisoformat(row["start"]) + timedelta(hours=1)).hour
        if local_hour >= 18 or local_hour < 6:
            assert row["kwh"] == 0
    naive = {**params, "start": "2026-01-01T00:00:00"}
    assert (await api_get(http, simulator, path, headers, naive))[0] == 400


async def test_lifetime_production_never_decreases(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """A lifetime counter over a simulated day only goes up (and does go up)."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/solar-inverters/{sc.SOLIS_INVERTER}"
    values = []
    for _ in range(25):
        body = (await api_get(http, simulator, path, headers))[2]
        values.append(body["lifetimeProduction"]["kwh"])
        assert body["lifetimeProduction"]["start"] is None
        assert body["recentProduction"]["start"] is not None
        assert all(len(item) == 1 for item in body["recentErrors"])
        sim_clock.advance(3600)
        token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
        headers = {"Authorization": f"Bearer {token}"}
    assert values == sorted(values)
    assert values[-1] > values[0]


async def test_controls_validate_their_input(
    http: aiohttp.ClientSession, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    """Bad settings and unknown failure kinds are refused and change nothing."""
    root = simulator.url + "/_sim/derapi"
    async with http.post(root + "/settings", json={"max_page_size": 0}) as response:
        assert response.status == 400
    async with http.post(root + "/settings", json={"generation": "legacy"}) as response:
        assert (await response.json())["generation"] == "legacy"
    async with http.post(
        root + "/vendor_failures", json={"vendor": "sma", "failure": "meltdown"}
    ) as response:
        assert response.status == 400
    async with http.post(
        root + "/vendor_failures", json={"vendor": "sma", "failure": "timeout"}
    ) as response:
        assert await response.json() == {"sma": "timeout"}
    async with http.post(root + "/scenario", json={"devices": 50, "sites": 10}) as response:
        assert await response.json() == {"sites": 10, "solar_inverters": 40, "batteries": 10}
    async with http.delete(root + "/scenario") as response:
        assert (await response.json())["sites"] == 6
    simulator.reset()
    assert derapi_cloud.state.vendor_failures == {}
    assert derapi_cloud.state.settings.generation == "current"


@pytest.mark.parametrize("command", ["charge", "idle"])
async def test_battery_control_modes(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock, command: str
) -> None:
    """Charge or hold now: the battery reports Backup; a bad command is a 400."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    url = simulator.host_url("derapi", "api") + f"/sites/{sc.SOLAREDGE_SITE}/battery-control"
    now = datetime.fromtimestamp(sim_clock.time(), UTC)
    interval = {
        "command": command,
        "start": now.isoformat(),
        "end": (now + timedelta(hours=1)).isoformat(),
    }
    async with http.put(url, json={"intervals": [interval]}, headers=headers) as response:
        assert response.status == 200
        assert (await response.json())["intervals"][0]["status"] == "active"
    body = (await api_get(http, simulator, f"/batteries/{sc.SOLAREDGE_BATTERY}", headers))[2]
    assert body["mode"] == "Backup"
    bad = {"intervals": [{**interval, "command": "explode"}]}
    async with http.put(url, json=bad, headers=headers) as response:
        assert response.status == 400
        assert response.content_type == "application/problem+json"


async def test_vendor_corrections_and_lag(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """Corrected intervals (per device, taken back with factor 1) and intervals served late."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    root = simulator.url + "/_sim/derapi"
    end = datetime.fromtimestamp(sim_clock.time(), UTC).replace(minute=0, second=0, microsecond=0)
    window = {"start": (end - timedelta(hours=24)).isoformat(), "end": end.isoformat()}
    params = {"summaryLevel": "hour", "pageSize": "100", **window}

    async def kwh(path: str, key: str = "kwh") -> list[float]:
        status, _, body = await api_get(http, simulator, path, headers, params)
        assert status == 200
        return [row[key] for row in body["intervals"]]

    first, second = (f"/solar-inverters/{i}/intervals" for i in sc.SMA_FARM_INVERTERS)
    site = f"/sites/{sc.SMA_SITE}/solar-intervals"
    truth, truth_second, truth_site = await kwh(first), await kwh(second), await kwh(site)
    assert len(truth) == 24
    assert sum(truth) > 0
    async with http.post(
        root + "/interval_revisions",
        json={"device": sc.SMA_FARM_INVERTERS[0], **window} | {"factor": 0},
    ) as response:
        assert len(await response.json()) == 1
    assert await kwh(first) == [0.0] * 24
    assert await kwh(second) == truth_second  # the other inverter is not touched
    assert sum(await kwh(site)) == pytest.approx(sum(truth_site) - sum(truth), abs=1e-3)
    # Factor 1 takes the correction back.
    async with http.post(
        root + "/interval_revisions", json={"device": sc.SMA_FARM_INVERTERS[0], **window}
    ) as response:
        assert await response.json() == []
    assert await kwh(first) == truth

    battery = f"/sites/{sc.SOLAREDGE_SITE}/battery-intervals"
    charged = await kwh(battery, "chargeKwh")
    async with http.post(
        root + "/interval_revisions",
        json={"device": sc.SOLAREDGE_BATTERY, **window, "factor": 2},
    ) as response:
        assert (await response.json())[0]["factor"] == 2
    assert await kwh(battery, "chargeKwh") == pytest.approx([2 * c for c in charged], abs=1e-3)
    async with http.get(root + "/interval_revisions") as response:
        assert len(await response.json()) == 1
    async with http.delete(root + "/interval_revisions") as response:
        assert await response.json() == []
    assert await kwh(battery, "chargeKwh") == charged
    for bad in (
        {"device": "solr-nobody", **window},
        {"device": sc.SMA_FARM_INVERTERS[0], "start": "2026-01-01T00:00:00", "end": window["end"]},
        {"device": sc.SMA_FARM_INVERTERS[0], "start": window["end"], "end": window["start"]},
        {"device": sc.SMA_FARM_INVERTERS[0], **window, "factor": -1},
        {"device": sc.SMA_FARM_INVERTERS[0]},
        [1],
    ):
        async with http.post(root + "/interval_revisions", json=bad) as response:
            assert response.status == 400, bad

    # Data that lags an hour behind: the newest hour is not served yet.
    async with http.post(root + "/settings", json={"interval_lag": 3600}) as response:
        assert (await response.json())["interval_lag"] == 3600
    assert len(await kwh(first)) == 23
    async with http.post(root + "/settings", json={"interval_lag": -1}) as response:
        assert response.status == 400


async def test_site_moved_half_an_hour_off_utc(
    http: aiohttp.ClientSession, simulator: Simulator, sim_clock: SimClock
) -> None:
    """Moved to India, a site's hours start at half past UTC hours; quarter hours still align."""
    token = await derapi_token(http, simulator, sc.STORED_CLIENT_ID)
    headers = {"Authorization": f"Bearer {token}"}
    root = simulator.url + "/_sim/derapi"
    end = datetime.fromtimestamp(sim_clock.time(), UTC).replace(minute=0, second=0, microsecond=0)
    site = f"/sites/{sc.SMA_SITE}/solar-intervals"
    params = {
        "summaryLevel": "hour",
        "start": (end - timedelta(hours=24)).isoformat(),
        "end": end.isoformat(),
    }
    location = {"utc_offset": 5.5, "timezone": "Asia/Kolkata"}
    async with http.post(root + f"/sites/{sc.SMA_SITE}/location", json=location) as response:
        assert await response.json() == location
    body = (await api_get(http, simulator, f"/sites/{sc.SMA_SITE}", headers))[2]
    assert body["locationUTCOffset"] == 5.5
    assert body["location"]["timezone"] == "Asia/Kolkata"
    hours = (await api_get(http, simulator, site, headers, params))[2]
    assert {datetime.fromisoformat(row["start"]).minute for row in hours["intervals"]} == {30}
    quarters = {**params, "summaryLevel": "15mins"}
    body = (await api_get(http, simulator, site, headers, quarters))[2]
    assert {datetime.fromisoformat(row["start"]).minute for row in body["intervals"]} == {
        0,
        15,
        30,
        45,
    }
    for bad_location, path in (
        ({"utc_offset": 5.1, "timezone": "Asia/Kolkata"}, sc.SMA_SITE),
        ({"utc_offset": 15, "timezone": "Pacific/Nowhere"}, sc.SMA_SITE),
        ({"utc_offset": "5.5", "timezone": "Asia/Kolkata"}, sc.SMA_SITE),
        ({"utc_offset": 5.5}, sc.SMA_SITE),
        (location, "site-nowhere"),
    ):
        async with http.post(root + f"/sites/{path}/location", json=bad_location) as response:
            assert response.status == 400, bad_location
