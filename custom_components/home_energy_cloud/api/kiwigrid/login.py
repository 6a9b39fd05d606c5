"""The two portal logins, each ending in a :class:`PortalContext` (notes §1, §2.1, §3).

Errors are told apart for the config flow: :class:`KiwigridAuthError` (credentials refused),
:class:`KiwigridConnectionError` (portal down: no answer, 5xx) and
:class:`KiwigridLoginPageChangedError` (the flow no longer looks as documented).
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
import secrets
from urllib.parse import quote

from yarl import URL

from .context import PortalContext, parse_context_js, parse_context_json
from .exceptions import (
    KiwigridAuthError,
    KiwigridLoginPageChangedError,
    KiwigridProtocolError,
    KiwigridTokenExpiredError,
)
from .http import CookieHttp, HttpAnswer, resolve
from .models import as_text
from .portals import HOST_AUTH, HOST_PORTAL, Portal

AUTH_GRANT_PATH = "/rest/auth/auth_grant"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 8


def _refused(answer: HttpAnswer) -> bool:
    return answer.status in {401, 403}


def _expect_redirect(answer: HttpAnswer, step: str) -> URL:
    if answer.status not in _REDIRECTS or not answer.location:
        raise KiwigridLoginPageChangedError(f"{step}: expected a redirect, got {answer.status}")
    return resolve(answer.url, answer.location)


# -- generation 1: the seed's four steps -----------------------------------------------------


def legacy_original_request(portal: Portal) -> str:
    """The ``originalRequest`` form value, with the literal ``&amp;`` the seed sends."""
    redirect_uri = quote(portal.host(HOST_PORTAL) + AUTH_GRANT_PATH, safe="")
    return "&amp;".join(
        (
            "/authorize?response_type=code",
            f"redirect_uri={redirect_uri}",
            "state=",
            f"client_id={portal.client_id}",
            "overrideRedirectUri=true",
        )
    )


async def legacy_login(
    http: CookieHttp, portal: Portal, username: str, password: str
) -> PortalContext:
    """Form POST -> ``/authorize`` -> ``auth_grant`` -> ``js/context.js``."""
    http.clear_cookies()
    auth = URL(portal.host(HOST_AUTH))
    answer = await http.request(
        "POST",
        auth / "login",
        data={
            "username": username,
            "password": password,
            "autologin": "false",
            "channel": portal.channel,
            "originalRequest": legacy_original_request(portal),
        },
    )
    if _refused(answer):
        raise KiwigridAuthError("the portal refused the username or password")
    if answer.status != 200:
        raise KiwigridLoginPageChangedError(f"login: unexpected HTTP {answer.status}")
    try:
        body = answer.json()
    except KiwigridProtocolError as err:
        raise KiwigridLoginPageChangedError("login: the answer is not JSON") from err
    redirect = as_text(body.get("redirectUri")) if isinstance(body, dict) else None
    if redirect is None or http.cookie(auth, "session_id") is None:
        raise KiwigridLoginPageChangedError("login: no session_id cookie or redirectUri")
    authorize = await http.request("GET", resolve(auth, unescape(redirect)))
    grant = _expect_redirect(authorize, "authorize")
    if "code" not in grant.query:
        raise KiwigridLoginPageChangedError("authorize: the redirect carries no code")
    granted = await http.request("GET", grant)
    _expect_redirect(granted, "auth_grant")
    if http.cookie(grant, "webcore_sid") is None:
        raise KiwigridLoginPageChangedError("auth_grant: no webcore_sid cookie")
    context_js = await http.request("GET", grant.with_path("/js/context.js"))
    if _refused(context_js):
        raise KiwigridLoginPageChangedError("context.js refused the fresh portal session")
    if context_js.status != 200:
        raise KiwigridLoginPageChangedError(f"context.js: unexpected HTTP {context_js.status}")
    return parse_context_js(context_js.text)


# -- generation 2: Keycloak browser flow -------------------------------------------------------


class _LoginFormFinder(HTMLParser):
    """Finds Keycloak's ``<form id="kc-form-login" action=...>``."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("id") == "kc-form-login" and self.action is None:
            self.action = values.get("action")


def find_login_form_action(html: str) -> str | None:
    """The login form's action URL, or None when the page has no Keycloak login form."""
    finder = _LoginFormFinder()
    finder.feed(html)
    finder.close()
    return finder.action


def keycloak_auth_url(portal: Portal) -> URL:
    """The OIDC authorization URL the portal's browser flow starts at."""
    query = {
        "response_type": "code",
        "client_id": portal.client_id,
        "redirect_uri": portal.host(HOST_PORTAL) + AUTH_GRANT_PATH,
        "scope": "openid kiwi-cloud-token-claims email profile",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
    }
    if portal.idp_hint:
        query["kc_idp_hint"] = portal.idp_hint
    return (
        URL(portal.host(HOST_AUTH))
        .with_path(f"/auth/realms/{portal.realm}/protocol/openid-connect/auth")
        .with_query(query)
    )


async def keycloak_login(
    http: CookieHttp, portal: Portal, username: str, password: str
) -> PortalContext:
    """Login form -> POST credentials -> redirects through ``auth_grant`` -> ``/context``."""
    http.clear_cookies()
    form_page = await http.request("GET", keycloak_auth_url(portal))
    if form_page.status == 404:
        # Keycloak's answer for a realm it does not have: the portal's realm setting is wrong.
        raise KiwigridLoginPageChangedError(f"the login host has no realm {portal.realm!r}")
    action = find_login_form_action(form_page.text) if form_page.status == 200 else None
    if action is None:
        raise KiwigridLoginPageChangedError("the login page has no kc-form-login form")
    posted = await http.request(
        "POST",
        resolve(form_page.url, unescape(action)),
        data={"username": username, "password": password, "credentialId": "", "login": "Sign In"},
    )
    if posted.status == 200 and find_login_form_action(posted.text) is not None:
        # Keycloak shows the form again, with an error message, for wrong credentials.
        raise KiwigridAuthError("the portal refused the username or password")
    if _refused(posted):
        raise KiwigridAuthError("the portal refused the username or password")
    target = _expect_redirect(posted, "login form")
    for _ in range(_MAX_REDIRECTS):
        answer = await http.request("GET", target)
        if answer.status not in _REDIRECTS:
            break
        target = _expect_redirect(answer, "redirect")
    else:
        raise KiwigridLoginPageChangedError("too many redirects after the login form")
    if answer.status >= 400:
        raise KiwigridLoginPageChangedError(f"after the login form: HTTP {answer.status}")
    return await fetch_context(http, portal)


async def fetch_context(http: CookieHttp, portal: Portal) -> PortalContext:
    """``GET <portal>/context`` (JSON) with the portal session's cookies."""
    origin = portal.host(HOST_PORTAL)
    answer = await http.request(
        "GET",
        URL(origin) / "context",
        headers={"Accept": "application/json", "Referer": origin + "/"},
    )
    if _refused(answer):
        raise KiwigridTokenExpiredError("the portal session is no longer valid")
    if answer.status != 200:
        raise KiwigridLoginPageChangedError(f"context: unexpected HTTP {answer.status}")
    try:
        body = answer.json()
    except KiwigridProtocolError as err:
        raise KiwigridLoginPageChangedError("context: the answer is not JSON") from err
    return parse_context_json(body)


async def refresh_access_token(
    http: CookieHttp, portal: Portal, context: PortalContext
) -> PortalContext:
    """``GET <portal><refreshTokenPath>`` with the portal cookies; a new token, same links."""
    path = context.refresh_token_path
    answer = await http.request("GET", URL(portal.host(HOST_PORTAL)).with_path(path))
    if answer.status != 200:
        raise KiwigridTokenExpiredError(f"token refresh refused (HTTP {answer.status})")
    body = answer.json()
    token = None
    if isinstance(body, dict):
        token = as_text(body.get("accessToken")) or as_text(body.get("access_token"))
    if token is None:
        raise KiwigridProtocolError("the token refresh answer carries no token")
    return parse_context_json(
        {
            "oauth": {"accessToken": token, "refreshTokenPath": path},
            "bus": {"url": context.bus_url},
        }
    )
