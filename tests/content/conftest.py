import pytest

from staff.roles import Role
from tests.factories import staff_user


@pytest.fixture
def admin_client(client):
    """A client logged in as an administrator of the Wagtail admin."""
    client.force_login(staff_user("cms-admin", Role.ADMINISTRATOR))
    return client
