"""HTTP handlers of the accounts: decode, call the service, encode."""

from __future__ import annotations

import ipaddress

from aiohttp import web

from exam_delivery.accounts import service
from exam_delivery.accounts.schemas import (
    BulkGroupIn,
    BulkGroupOut,
    DeleteGroupIn,
    DeleteGroupOut,
    LoginIn,
    LoginOut,
    UserIn,
    UserList,
    UserOut,
    UserPatch,
    UserQuery,
)
from shared.auth import ADMIN, ANY_USER, PUBLIC, SERVICE
from shared.db import POOL_KEY
from shared.revocation import REVOCATIONS_KEY, RevocationPage, RevocationQuery
from shared.web import SETTINGS_KEY, RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("accounts")
THROTTLE_KEY = web.AppKey("login_throttle", service.LoginThrottle)


# Peers whose X-Forwarded-For is believed: the entry (mockcert/entry.py) and the reverse
# proxy (deploy/nginx) reach the services over loopback or a private network. From any
# other peer the header is the client's own say and is ignored.
TRUSTED_PROXIES = tuple(ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
))


def client_address(request: web.Request) -> str:
    """The client of a login: the last address the trusted entry appended, else the peer itself."""
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if not forwarded:
        return peer
    try:
        trusted = any(ipaddress.ip_address(peer) in net for net in TRUSTED_PROXIES)
    except ValueError:
        trusted = False
    if not trusted:
        return peer
    return forwarded.split(",")[-1].strip()[:64] or peer


@routes.post("/api/auth/login", roles=PUBLIC, body=LoginIn, response=LoginOut, summary="Log in; get a token")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginIn)
    address = client_address(request)
    out = await service.login(request.app[POOL_KEY], request.app[SETTINGS_KEY], request.app[THROTTLE_KEY],
                              body.username, body.password, address)
    return json_response(out)


@routes.post("/api/auth/logout", roles=ANY_USER, status=204,
             summary="Log out: end this token in every service (the others within a revocation poll)")
async def logout(request: web.Request) -> web.Response:
    await service.logout(request.app[POOL_KEY], principal(request), request.app[REVOCATIONS_KEY])
    return web.Response(status=204)


@routes.get("/api/me", roles=ANY_USER, response=UserOut, summary="The logged-in user")
async def me(request: web.Request) -> web.Response:
    user = principal(request)
    return json_response(await service.get_user(request.app[POOL_KEY], service.parse_user_id(user.id)))


@routes.post("/api/users", roles=ADMIN, body=UserIn, response=UserOut, status=201, summary="Create a user")
async def create_user(request: web.Request) -> web.Response:
    body = await read_json(request, UserIn)
    out = await service.create_user(request.app[POOL_KEY], body)
    return json_response(out, status=201)


@routes.get("/api/users", roles=ADMIN, query=UserQuery, response=UserList,
            summary="List users; with q, group, limit or cursor a page of a search (total, next_cursor)")
async def list_users(request: web.Request) -> web.Response:
    query = read_query(request, UserQuery)
    return json_response(await service.search_users(request.app[POOL_KEY], query))


@routes.post("/api/users/bulk", roles=ADMIN, body=BulkGroupIn, response=BulkGroupOut,
             summary="Put many users in one group (cohort)")
async def bulk_group(request: web.Request) -> web.Response:
    body = await read_json(request, BulkGroupIn)
    return json_response(await service.set_group(request.app[POOL_KEY], body))


@routes.post("/api/users/delete-group", roles=ADMIN, body=DeleteGroupIn, response=DeleteGroupOut,
             summary="Delete the candidates of a group with their attempts (e.g. the simulated ones)")
async def delete_group(request: web.Request) -> web.Response:
    body = await read_json(request, DeleteGroupIn)
    return json_response(await service.delete_group(
        request.app[POOL_KEY], body, request.app[REVOCATIONS_KEY], request.app[SETTINGS_KEY].token_ttl_seconds))


@routes.get("/api/users/{user_id}", roles=ADMIN, response=UserOut, summary="One user")
async def get_user(request: web.Request) -> web.Response:
    user_id = service.parse_user_id(request.match_info["user_id"])
    return json_response(await service.get_user(request.app[POOL_KEY], user_id))


@routes.patch("/api/users/{user_id}", roles=ADMIN, body=UserPatch, response=UserOut,
              summary="Change a user (e.g. time_multiplier for an accommodation)")
async def patch_user(request: web.Request) -> web.Response:
    user_id = service.parse_user_id(request.match_info["user_id"])
    body = await read_json(request, UserPatch)
    out = await service.patch_user(request.app[POOL_KEY], user_id, body, request.app[REVOCATIONS_KEY])
    return json_response(out)


internal = RouteTable("internal")


@internal.get("/internal/revocations", roles=SERVICE, query=RevocationQuery, response=RevocationPage,
              summary="Token generations raised since a sequence number (for the other services)")
async def revocations(request: web.Request) -> web.Response:
    query = read_query(request, RevocationQuery)
    return json_response(await service.revocations_after(request.app[POOL_KEY], query.after, query.limit))
