"""Generation 1 login hosts (notes §2.1): the form login and the desktop portal.

``legacy_auth``: ``POST /login`` (form; sets a language cookie, then ``session_id``, as the
seed saw two Set-Cookie headers) answering JSON ``redirectUri`` with the literal ``&amp;``
separators, ``GET /authorize`` (302 to the portal's ``auth_grant?code=``).
``legacy_portal``: ``GET /rest/auth/auth_grant`` (307, ``webcore_sid``), ``GET /js/context.js``
and ``GET /rest/auth/refreshAccessToken``.
Wrong credentials get HTTP 401 with a JSON error (the real answer is not documented).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from .state import KiwigridState

CLIENT_ID = "kiwigrid.desktop"
REFRESH_PATH = "/rest/auth/refreshAccessToken"


def setup_auth(app: web.Application, state: KiwigridState) -> None:
    """The legacy login host."""

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {key: str(form.get(key, "")) for key in ("username", "password", "channel")}
        original = html.unescape(str(form.get("originalRequest", "")))
        query = parse_qs(urlsplit(original).query)
        if (
            not original.startswith("/authorize?")
            or query.get("client_id") != [CLIENT_ID]
            or fields["channel"] != "solarwatt"
        ):
            return web.json_response({"error": "invalid_request"}, status=400)
        if not state.auth.check_password(fields["username"], fields["password"]):
            return web.json_response({"error": "invalid_credentials"}, status=401)
        session = state.auth.new_login_session()
        response = web.json_response({"redirectUri": original.replace("&", "&amp;")})
        response.set_cookie("lang", "de", path="/")
        response.set_cookie("session_id", session, path="/", httponly=True)
        state.auth.session_users[session] = fields["username"]
        return response

    async def authorize(request: web.Request) -> web.Response:
        # A browser or a client may send the seed's literal &amp; separators; accept both.
        query = parse_qs(html.unescape(request.query_string))
        session = request.cookies.get("session_id")
        redirect_uri = query.get("redirect_uri", [""])[0]
        expected = state.urls["legacy_portal"] + "/rest/auth/auth_grant"
        if query.get("client_id") != [CLIENT_ID] or redirect_uri != expected:
            return web.json_response({"error": "invalid_client"}, status=400)
        if session not in state.auth.login_sessions:
            raise web.HTTPFound(state.urls["legacy_auth"] + "/login")
        code = state.auth.new_code(state.auth.session_users.get(session, ""))
        raise web.HTTPFound(f"{redirect_uri}?code={code}")

    app.router.add_post("/login", login)
    app.router.add_get("/authorize", authorize)


def context_js(token: str, bus_url: str) -> str:
    """The ``window.appContext`` script, laid out as the seed parsed it (one key per line)."""
    return (
        "window.appContext = {\n"
        "    oauth: {\n"
        f"        accessToken: '{token}',\n"
        f"        refreshTokenPath: '{REFRESH_PATH}'\n"
        "    },\n"
        "    common: { keycloak: false },\n"
        f"    bus: {{ url: '{bus_url}' }}\n"
        "};\n"
    )


def setup_portal(app: web.Application, state: KiwigridState) -> None:
    """The legacy desktop portal host."""

    async def auth_grant(request: web.Request) -> web.Response:
        sid = state.auth.redeem_code(request.query.get("code", ""))
        if sid is None:
            return web.json_response({"error": "invalid_grant"}, status=400)
        response = web.Response(
            status=307, headers={"Location": state.urls["legacy_portal"] + "/index.html"}
        )
        response.set_cookie("webcore_sid", sid, path="/", httponly=True)
        return response

    async def context(request: web.Request) -> web.Response:
        if not state.auth.portal_session_ok(request.cookies.get("webcore_sid")):
            return web.Response(status=401, text="not logged in")
        bus_url = state.urls["kiwibus"].replace("http://", "ws://", 1) + "/kiwibus"
        body = context_js(state.auth.new_token(jwt=False), bus_url)
        return web.Response(text=body, content_type="application/javascript")

    async def refresh(request: web.Request) -> web.Response:
        if not state.auth.portal_session_ok(request.cookies.get("webcore_sid")):
            return web.Response(status=401, text="not logged in")
        return web.json_response({"accessToken": state.auth.new_token(jwt=False)})

    async def index(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>Energy Manager portal</body></html>", content_type="text/html"
        )

    app.router.add_get("/rest/auth/auth_grant", auth_grant)
    app.router.add_get("/js/context.js", context)
    app.router.add_get(REFRESH_PATH, refresh)
    app.router.add_get("/index.html", index)
