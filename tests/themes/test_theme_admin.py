"""The theme screen: each colour has a picker beside its hex value."""

import pytest

from staff.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_theme_colours_have_a_picker_beside_the_hex_value(client):
    client.force_login(staff_user("cms-admin", Role.ADMINISTRATOR))
    page = client.get("/cms/settings/themes/theme/1/", follow=True).content.decode()
    assert page.count('type="color"') == 2
    assert 'name="primary_colour"' in page and 'value="#b3261e"' in page
    assert "themes/admin/colour-input.js" in page
