async def test_health_and_login(stack):
    status, body = await stack.request("GET", "/api/health")
    assert status == 200, body
    assert body == {"status": "ok", "services": {"item-bank": "ok", "exam-delivery": "ok", "scoring": "ok"}}
    token = await stack.admin_token()
    status, me = await stack.request("GET", "/api/me", token)
    assert status == 200 and me["role"] == "admin"


async def test_login_page_is_served_with_csp(stack):
    async with stack.session.get(f"{stack.base_url}/") as resp:
        assert resp.status == 200
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
        assert "login-form" in await resp.text()
    async with stack.session.get(f"{stack.base_url}/static/common/mockcert.js") as resp:
        assert resp.status == 200
