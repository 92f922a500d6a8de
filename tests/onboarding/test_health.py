import pytest
from django.test import override_settings

from onboarding import health


@pytest.mark.django_db
def test_healthz_is_ok_when_every_dependency_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_names_redis_when_it_does_not_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_does_not_answer(client, monkeypatch):
    def broker_down() -> str:
        raise ConnectionRefusedError

    monkeypatch.setitem(health.CHECKS, "broker", broker_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["broker"] == "error: ConnectionRefusedError"


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_fails(client, monkeypatch):
    def database_down() -> str:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["failing"]


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_checks_the_real_redis_and_broker(client, redis_url, settings):
    # given the production wiring: Redis for channels/cache and as the Celery broker
    from onboarding.celery import app

    settings.REDIS_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    app.conf.broker_url = redis_url
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"}
