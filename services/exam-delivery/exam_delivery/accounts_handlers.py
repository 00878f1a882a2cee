"""HTTP handlers of the accounts: decode, call the service, encode."""

from __future__ import annotations

from aiohttp import web

from exam_delivery import accounts_repository as repo
from exam_delivery import accounts_service as service
from exam_delivery.accounts_schemas import LoginIn, LoginOut, UserIn, UserList, UserOut, UserPatch, UserQuery
from shared.auth import ADMIN, ANY_USER, PUBLIC, SERVICE
from shared.db import POOL_KEY
from shared.errors import not_found
from shared.revocation import REVOCATIONS_KEY, RevocationPage, RevocationQuery
from shared.web import SETTINGS_KEY, RouteTable, json_response, principal, read_json, read_query

routes = RouteTable("accounts")
THROTTLE_KEY = web.AppKey("login_throttle", service.LoginThrottle)


@routes.post("/api/auth/login", roles=PUBLIC, body=LoginIn, response=LoginOut, summary="Log in; get a token")
async def login(request: web.Request) -> web.Response:
    body = await read_json(request, LoginIn)
    # Behind the entry, the client is the last address the entry appended.
    forwarded = request.headers.get("X-Forwarded-For", "")
    address = forwarded.split(",")[-1].strip() if forwarded else (request.remote or "unknown")
    out = await service.login(request.app[POOL_KEY], request.app[SETTINGS_KEY], request.app[THROTTLE_KEY],
                              body.username, body.password, address)
    return json_response(out)


@routes.get("/api/me", roles=ANY_USER, response=UserOut, summary="The logged-in user")
async def me(request: web.Request) -> web.Response:
    user = principal(request)
    async with request.app[POOL_KEY].acquire() as conn:
        row = await repo.get_user(conn, service.parse_user_id(user.id))
    if row is None:
        raise not_found("no such user")
    return json_response(service.user_out(row))


@routes.post("/api/users", roles=ADMIN, body=UserIn, response=UserOut, status=201, summary="Create a user")
async def create_user(request: web.Request) -> web.Response:
    body = await read_json(request, UserIn)
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.create_user(conn, body)
    return json_response(out, status=201)


@routes.get("/api/users", roles=ADMIN, query=UserQuery, response=UserList, summary="List users")
async def list_users(request: web.Request) -> web.Response:
    query = read_query(request, UserQuery)
    async with request.app[POOL_KEY].acquire() as conn:
        rows = await repo.list_users(conn, query.role)
    return json_response(UserList(users=[service.user_out(r) for r in rows]))


@routes.get("/api/users/{user_id}", roles=ADMIN, response=UserOut, summary="One user")
async def get_user(request: web.Request) -> web.Response:
    user_id = service.parse_user_id(request.match_info["user_id"])
    async with request.app[POOL_KEY].acquire() as conn:
        row = await repo.get_user(conn, user_id)
    if row is None:
        raise not_found("no such user")
    return json_response(service.user_out(row))


@routes.patch("/api/users/{user_id}", roles=ADMIN, body=UserPatch, response=UserOut,
              summary="Change a user (e.g. time_multiplier for an accommodation)")
async def patch_user(request: web.Request) -> web.Response:
    user_id = service.parse_user_id(request.match_info["user_id"])
    body = await read_json(request, UserPatch)
    async with request.app[POOL_KEY].acquire() as conn:
        out = await service.patch_user(conn, user_id, body, request.app[REVOCATIONS_KEY])
    return json_response(out)


internal = RouteTable("internal")


@internal.get("/internal/revocations", roles=SERVICE, query=RevocationQuery, response=RevocationPage,
              summary="Token generations raised since a sequence number (for the other services)")
async def revocations(request: web.Request) -> web.Response:
    query = read_query(request, RevocationQuery)
    return json_response(await service.revocations_after(request.app[POOL_KEY], query.after, query.limit))
