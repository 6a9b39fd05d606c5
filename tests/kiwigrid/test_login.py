"""Logins of both generations against the fake: success and every error path."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiProtocolError,
)
from custom_components.home_energy_cloud.api.kiwigrid import (
    HOST_AUTH,
    HemsClient,
    KiwibusClient,
    KiwigridAuthError,
    KiwigridConnectionError,
    KiwigridLoginPageChangedError,
    Portal,
    token_expiry,
)
from custom_components.home_energy_cloud.api.kiwigrid.login import legacy_original_request
from simulator import Simulator
from simulator.kiwigrid import PASSWORD, USERNAME, KiwigridCloud

type Client = HemsClient | KiwibusClient


def _client(
    generation: str, session: aiohttp.ClientSession, portal: Portal, password: str = PASSWORD
) -> Client:
    if generation == "hems":
        return HemsClient(session, USERNAME, password, portal=portal)
    return KiwibusClient(session, USERNAME, password, portal=portal)


@pytest.fixture(params=["hems", "legacy"])
def generation(request: pytest.FixtureRequest) -> str:
    """Each test runs against both generations."""
    return str(request.param)


@pytest.fixture
def portal(generation: str, hems_portal: Portal, legacy_portal: Portal) -> Portal:
    """The portal of the generation under test."""
    return hems_portal if generation == "hems" else legacy_portal


async def test_login_gives_a_token_that_expires(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, simulator: Simulator
) -> None:
    context = await _client(generation, http_session, portal).login()
    assert context.expires_at is not None
    assert context.expires_at > simulator.clock.time()
    assert token_expiry(context.access_token) == context.expires_at
    if generation == "legacy":
        # context.js names the bus, so the websocket URL is not hard-coded.
        assert (
            context.bus_url
            == simulator.host_url("kiwigrid", "kiwibus").replace("http", "ws", 1) + "/kiwibus"
        )
    assert context.access_token not in repr(context)


async def test_default_cookie_jar_works_on_127_0_0_1(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal
) -> None:
    """The client keeps the login cookies itself: aiohttp's default jar drops IP cookies."""
    assert isinstance(http_session.cookie_jar, aiohttp.CookieJar)
    await _client(generation, http_session, portal).login()
    assert len(http_session.cookie_jar) == 0  # nothing leaked into a shared session


async def test_unsafe_cookie_jar_works_too(generation: str, portal: Portal) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _client(generation, session, portal).login()


async def test_wrong_password_is_an_auth_error(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, kiwigrid: KiwigridCloud
) -> None:
    with pytest.raises(KiwigridAuthError) as caught:
        await _client(generation, http_session, portal, "wrong").login()
    assert isinstance(caught.value, ApiAuthError)
    assert "wrong" not in str(caught.value)
    assert kiwigrid.state.auth.logins_refused == 1


async def test_portal_answering_503_is_a_connection_error(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, simulator: Simulator
) -> None:
    simulator.faults("kiwigrid").update({"http_errors": 1})
    with pytest.raises(KiwigridConnectionError) as caught:
        await _client(generation, http_session, portal).login()
    assert caught.value.status == 503
    assert not isinstance(caught.value, ApiAuthError)


async def test_portal_unreachable_is_a_connection_error(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, simulator: Simulator
) -> None:
    # aiohttp retries an idempotent GET once on a dropped connection, so drop two.
    simulator.faults("kiwigrid").update({"disconnects": 2})
    with pytest.raises(ApiConnectionError):
        await _client(generation, http_session, portal).login()
    closed = portal.with_hosts({HOST_AUTH: "http://127.0.0.1:9"})
    with pytest.raises(KiwigridConnectionError):
        await _client(generation, http_session, closed).login()


async def test_changed_login_page_is_its_own_error(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, simulator: Simulator
) -> None:
    """A body that is no longer the documented one: neither a retry nor a password helps."""
    simulator.faults("kiwigrid").update({"malformed": 1})
    with pytest.raises(KiwigridLoginPageChangedError) as caught:
        await _client(generation, http_session, portal).login()
    assert isinstance(caught.value, ApiProtocolError)


async def test_login_page_gone_is_a_changed_page(
    generation: str, http_session: aiohttp.ClientSession, portal: Portal, simulator: Simulator
) -> None:
    """The login host answers, but not with a login (404 pages): the flow moved."""
    moved = portal.with_hosts({HOST_AUTH: simulator.host_url("kiwigrid", "local")})
    with pytest.raises(KiwigridLoginPageChangedError):
        await _client(generation, http_session, moved).login()


def test_original_request_keeps_the_seeds_literal_amp(legacy_portal: Portal) -> None:
    value = legacy_original_request(legacy_portal)
    assert value.startswith("/authorize?response_type=code&amp;redirect_uri=")
    assert "&amp;client_id=kiwigrid.desktop&amp;overrideRedirectUri=true" in value


def test_clients_keep_secrets_out_of_repr(
    http_session: aiohttp.ClientSession, hems_portal: Portal, legacy_portal: Portal
) -> None:
    for client in (
        HemsClient(http_session, USERNAME, PASSWORD, portal=hems_portal),
        KiwibusClient(http_session, USERNAME, PASSWORD, portal=legacy_portal),
    ):
        assert PASSWORD not in repr(client)
        assert USERNAME not in repr(client)


def test_hosts_override_by_name(http_session: aiohttp.ClientSession) -> None:
    from custom_components.home_energy_cloud.api.kiwigrid import HOST_HEMS, SOLARWATT

    client = HemsClient(http_session, USERNAME, PASSWORD, hosts={HOST_HEMS: "http://proxy:81"})
    assert client.portal.host(HOST_HEMS) == "http://proxy:81"
    assert client.portal.host(HOST_AUTH) == SOLARWATT.host(HOST_AUTH)
    with pytest.raises(ValueError, match="no host"):
        SOLARWATT.with_hosts({"kiwibus": "http://x"})


def test_portal_records() -> None:
    from custom_components.home_energy_cloud.api.kiwigrid import PORTALS, Generation

    assert {key: (p.name, p.generation) for key, p in PORTALS.items()} == {
        "solarwatt": ("Solarwatt", Generation.HEMS_REST),
        "solarwatt_legacy": ("Solarwatt (legacy Energy Manager portal)", Generation.LEGACY_BUS),
        "enviam": ("enviaM", Generation.HEMS_REST),
    }
    assert PORTALS["solarwatt"].host(HOST_AUTH) == "https://auth.energymanager.com"
    assert PORTALS["solarwatt_legacy"].host(HOST_AUTH) == "https://auth.energy-manager.de"


async def test_a_white_label_logs_in_to_the_realm_of_its_portal_record(
    http_session: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """enviaM's realm is an assumption (Solarwatt's): a portal whose login lives in another
    realm needs only its record's realm changed, and a wrong one is a changed login page."""
    from custom_components.home_energy_cloud.api.kiwigrid import ENVIAM, HOST_HEMS, HOST_PORTAL
    from simulator.kiwigrid.auth import USER_ID

    from .helpers import control

    await control(simulator, "settings", {"keycloak_realm": "enviam-energy"})
    urls = simulator.host_urls("kiwigrid")
    enviam = ENVIAM.with_hosts(
        {HOST_AUTH: urls["keycloak"], HOST_PORTAL: urls["portal"], HOST_HEMS: urls["hems"]}
    )
    assert enviam.realm == "solarwatt"
    with pytest.raises(KiwigridLoginPageChangedError, match="no realm 'solarwatt'"):
        await HemsClient(http_session, USERNAME, PASSWORD, portal=enviam).login()

    client = HemsClient(http_session, USERNAME, PASSWORD, portal=enviam.with_realm("enviam-energy"))
    site = await client.get_site()
    assert client.user_id == USER_ID
    assert site.location is not None
    with pytest.raises(KiwigridAuthError):
        await HemsClient(
            http_session, USERNAME, "wrong", portal=enviam.with_realm("enviam-energy")
        ).login()


def test_the_realm_belongs_to_the_keycloak_portals() -> None:
    from custom_components.home_energy_cloud.api.kiwigrid import (
        ENVIAM,
        PORTALS,
        SOLARWATT,
        SOLARWATT_LEGACY,
        Generation,
    )

    assert {key: p.realm for key, p in PORTALS.items()} == {
        "solarwatt": "solarwatt",
        "solarwatt_legacy": None,
        "enviam": "solarwatt",
    }
    for bad in ("", "a/b", "realm?x=1"):
        with pytest.raises(ValueError, match="realm"):
            ENVIAM.with_realm(bad)
    with pytest.raises(ValueError, match="realm"):
        Portal(key="x", name="X", generation=Generation.HEMS_REST, channel="x", client_id="c")
    with pytest.raises(ValueError, match="no Keycloak realm"):
        SOLARWATT_LEGACY.with_realm("solarwatt")
    assert SOLARWATT.with_realm("other").realm == "other"
