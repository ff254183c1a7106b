async def test_health_readiness_metrics_and_docs_need_no_token(intake):
    assert (await intake.get("/healthz")).json() == {"status": "ok"}
    ready = await intake.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True}
    assert ready.json()["nats"] == {"connected": True}
    await intake.get("/sessions")  # a 401, counted like any request
    metrics = (await intake.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/sessions",status="401"} 1.0' in metrics
    openapi = (await intake.get("/openapi.json")).json()
    assert "/petitions:import" in openapi["paths"]
    assert (await intake.get("/docs")).status_code == 200


async def test_unknown_route_is_problem_json(intake, secretariat):
    response = await intake.get("/khong-co", headers=secretariat)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_what_startup_made_is_left_out_of_full_collections_while_the_service_runs(intake):
    import gc

    assert gc.get_freeze_count() > 10_000  # the modules, routes and catalog, frozen after startup
