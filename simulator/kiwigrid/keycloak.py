"""Generation 2 login (notes §1, §3): a Keycloak-like identity host and the portal.

``keycloak``: ``GET /auth/realms/<realm>/protocol/openid-connect/auth`` (the login page with
``<form id="kc-form-login">``, an ``AUTH_SESSION_ID`` cookie) and ``POST .../login-actions/
authenticate`` (wrong credentials: the form again with Keycloak's message, status 200; right:
302 to ``redirect_uri?state=&session_state=&code=``). The realm is Solarwatt's unless the
``keycloak_realm`` setting names another (a white-label portal); any other realm is answered
as Keycloak answers an unknown one: 404 ``{"error": "Realm does not exist"}``.
``portal``: ``GET /rest/auth/auth_grant`` (302 to ``/``, portal session cookie), ``GET /``,
``GET /context`` (JSON; needs ``Accept: application/json``, as the 2023 change required) and
``GET /rest/auth/refreshAccessToken``.
"""

from __future__ import annotations

import html
import secrets

from aiohttp import web
from yarl import URL

from .state import KiwigridState

CLIENT_ID = "energy-monitor-home"
REALM_PREFIX = "/auth/realms/{realm}/"
AUTH_PATH = REALM_PREFIX + "protocol/openid-connect/auth"
AUTHENTICATE_PATH = REALM_PREFIX + "login-actions/authenticate"
REFRESH_PATH = "/rest/auth/refreshAccessToken"
PORTAL_COOKIE = "SESSION"
INVALID_CREDENTIALS = "Invalid username or password."


def _login_page(action: str, error: str | None = None) -> str:
    message = f'<span id="input-error" class="kc-feedback-text">{error}</span>' if error else ""
    return (
        "<!DOCTYPE html><html><head><title>Sign in to SOLARWATT</title></head><body>"
        f"{message}"
        f'<form id="kc-form-login" onsubmit="login.disabled = true; return true;" '
        f'action="{html.escape(action)}" method="post">'
        '<input tabindex="1" id="username" name="username" type="text" autofocus>'
        '<input tabindex="2" id="password" name="password" type="password">'
        '<input type="hidden" id="id-hidden-input" name="credentialId">'
        '<input tabindex="4" name="login" id="kc-login" type="submit" value="Sign In">'
        "</form></body></html>"
    )


def setup_keycloak(app: web.Application, state: KiwigridState) -> None:
    """The identity host."""
    pending: dict[str, dict[str, str]] = {}

    def check_realm(request: web.Request) -> str:
        realm = request.match_info["realm"]
        if realm != state.auth.settings.keycloak_realm:
            raise web.HTTPNotFound(
                text='{"error":"Realm does not exist"}', content_type="application/json"
            )
        return realm

    async def auth(request: web.Request) -> web.Response:
        realm = check_realm(request)
        query = request.query
        expected = state.urls["portal"] + "/rest/auth/auth_grant"
        if (
            query.get("client_id") != CLIENT_ID
            or query.get("redirect_uri") != expected
            or query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
        ):
            return web.Response(status=400, text="Invalid parameter: redirect_uri or client_id")
        session = state.auth.new_login_session()
        tab_id = secrets.token_urlsafe(8)
        pending[tab_id] = {"redirect_uri": expected, "state": query.get("state", "")}
        action = str(
            URL(state.urls["keycloak"] + AUTHENTICATE_PATH.format(realm=realm)).with_query(
                session_code=secrets.token_urlsafe(16),
                execution=secrets.token_hex(8),
                client_id=CLIENT_ID,
                tab_id=tab_id,
            )
        )
        response = web.Response(text=_login_page(action), content_type="text/html")
        cookie_path = REALM_PREFIX.format(realm=realm)
        response.set_cookie("AUTH_SESSION_ID", session, path=cookie_path)
        response.set_cookie("KC_RESTART", secrets.token_hex(16), path=cookie_path)
        return response

    async def authenticate(request: web.Request) -> web.Response:
        check_realm(request)
        flow = pending.get(request.query.get("tab_id", ""))
        if flow is None or request.cookies.get("AUTH_SESSION_ID") not in state.auth.login_sessions:
            # Keycloak's "cookie not found" page: no form, so clients see a changed page.
            return web.Response(
                status=400,
                text="Cookie not found. Please make sure cookies are enabled in your browser.",
            )
        form = await request.post()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        if not state.auth.check_password(username, password):
            return web.Response(
                text=_login_page(str(request.url), INVALID_CREDENTIALS), content_type="text/html"
            )
        pending.pop(request.query["tab_id"], None)
        target = URL(flow["redirect_uri"]).with_query(
            state=flow["state"],
            session_state=secrets.token_hex(8),
            code=state.auth.new_code(username),
        )
        raise web.HTTPFound(str(target))

    app.router.add_get(AUTH_PATH, auth)
    app.router.add_post(AUTHENTICATE_PATH, authenticate)


def setup_portal(app: web.Application, state: KiwigridState) -> None:
    """The current web portal."""

    async def auth_grant(request: web.Request) -> web.Response:
        sid = state.auth.redeem_code(request.query.get("code", ""))
        if sid is None:
            return web.Response(status=400, text="invalid grant")
        response = web.Response(status=302, headers={"Location": "/"})
        response.set_cookie(PORTAL_COOKIE, sid, path="/", httponly=True)
        return response

    async def index(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>Energy Monitor</body></html>", content_type="text/html"
        )

    async def context(request: web.Request) -> web.Response:
        if "application/json" not in request.headers.get("Accept", ""):
            return web.Response(status=406, text="Not Acceptable")
        if not state.auth.portal_session_ok(request.cookies.get(PORTAL_COOKIE)):
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response(
            {
                "oauth": {
                    "accessToken": state.auth.new_token(jwt=True),
                    "refreshTokenPath": REFRESH_PATH,
                },
                "common": {"keycloak": True, "channel": "solarwatt"},
            }
        )

    async def refresh(request: web.Request) -> web.Response:
        if not state.auth.portal_session_ok(request.cookies.get(PORTAL_COOKIE)):
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"accessToken": state.auth.new_token(jwt=True)})

    app.router.add_get("/rest/auth/auth_grant", auth_grant)
    app.router.add_get("/", index)
    app.router.add_get("/context", context)
    app.router.add_get(REFRESH_PATH, refresh)
