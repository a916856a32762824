from tests.factories import WorkerHeartbeatFactory


def test_healthz_answers_ok_when_the_database_answers_and_a_worker_reports_in(client, db):
    WorkerHeartbeatFactory()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "schema": "ok", "worker": "ok", "queue": "ok"}
