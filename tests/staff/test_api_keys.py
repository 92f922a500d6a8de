import pytest

from api.scopes import Scope
from staff.models import IntegratorKey
from staff.roles import Role
from tests.factories import ExchangeFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    ExchangeFactory()
    _, key = IntegratorKey.objects.create_key(
        name="app", owner=staff_user("app", Role.INTEGRATOR), scopes=[Scope.APPLICATIONS_READ]
    )
    return key


def get(client, key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    return client.get("/api/v1/exchanges/", **headers)


def test_an_integrator_key_reads_the_api(client, key):
    response = get(client, key)
    assert response.status_code == 200
    assert response.json()[0]["code"] == "SHFE"


def test_no_key_gets_a_structured_401(client):
    response = get(client, None)
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "fields"}
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_key_is_refused(client, key):
    response = get(client, key[:-1] + ("x" if key[-1] != "x" else "y"))
    assert response.status_code == 401
    assert response.json()["message"].startswith("接口密钥无效")


def test_a_revoked_key_is_refused(client, key):
    IntegratorKey.objects.update(revoked=True)
    assert get(client, key).status_code == 401


def test_a_key_whose_owner_lost_the_integrator_role_is_forbidden(client, key):
    owner = IntegratorKey.objects.get().owner
    owner.groups.clear()
    response = get(client, key)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_api_docs_load_nothing_from_outside(client):
    page = client.get("/api/docs/").content.decode()
    assert "cdn." not in page
    assert "/static/drf_spectacular_sidecar/" in page


def test_the_schema_documents_only_the_integrator_api_and_its_key(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert schema["components"]["securitySchemes"]["IntegratorKey"]["in"] == "header"
