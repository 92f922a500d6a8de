import pytest
from wagtail.models import Site

from themes.models import Theme

pytestmark = pytest.mark.django_db


def test_a_colour_changed_in_the_admin_shows_on_the_next_page_without_a_restart(client):
    # given the page as it is
    assert "--primary: #b3261e" in client.get("/staff/login/").content.decode()
    # when the administrator changes the colour
    theme = Theme.for_site(Site.objects.get(is_default_site=True))
    theme.primary_colour = "#0a6e4f"
    theme.full_clean()
    theme.save()
    # then the next page uses it
    assert "--primary: #0a6e4f" in client.get("/staff/login/").content.decode()


@pytest.mark.parametrize("colour", ["red", "#12345", "#12345g", "#123456;}</style><script>"])
def test_a_colour_that_is_not_hex_is_refused(colour):
    theme = Theme.for_site(Site.objects.get(is_default_site=True))
    theme.primary_colour = colour
    with pytest.raises(Exception, match="#RRGGBB"):
        theme.full_clean()


def test_the_company_name_and_hotline_come_from_the_theme(client):
    theme = Theme.for_site(Site.objects.get(is_default_site=True))
    theme.company_name, theme.hotline = "测试期货", "400-123-4567"
    theme.save()
    page = client.get("/staff/login/").content.decode()
    assert "测试期货" in page and "400-123-4567" in page
