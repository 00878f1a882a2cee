async def test_health_and_login(stack):
    status, body = await stack.request("GET", "/api/health")
    assert status == 200, body
    assert body == {"status": "ok", "services": {"item-bank": "ok", "exam-delivery": "ok", "scoring": "ok"}}
    token = await stack.admin_token()
    status, me = await stack.request("GET", "/api/me", token)
    assert status == 200 and me["role"] == "admin"
