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


def test_pages_read_the_theme_from_their_own_process_without_a_round_trip_to_the_cache(
    client, monkeypatch
):
    # given a page shown once (the theme read and kept)
    from django.core.cache import cache

    assert "--primary: #b3261e" in client.get("/staff/login/").content.decode()
    # when the next pages are shown
    asked = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    for _ in range(3):
        assert "--primary: #b3261e" in client.get("/staff/login/").content.decode()
    # then none of them asked the shared cache for the theme
    from themes.models import CACHE_KEY

    assert CACHE_KEY not in asked


def test_a_theme_changed_by_another_process_shows_here_within_seconds(client, monkeypatch):
    # given a page shown with the theme as it is
    import themes.models as themes

    assert "--primary: #b3261e" in client.get("/staff/login/").content.decode()
    # when another process saves a new colour (this one gets no signal: the row is updated
    # and the shared cache emptied, as the other process's save does)
    from django.core.cache import cache

    Theme.objects.update(primary_colour="#0a6e4f")
    cache.delete(themes.CACHE_KEY)
    # then this process shows it once its own copy has aged out, and not before
    assert "--primary: #b3261e" in client.get("/staff/login/").content.decode()
    later = themes.time.monotonic() + themes.LOCAL_SECONDS + 0.1
    monkeypatch.setattr(themes.time, "monotonic", lambda: later)
    assert "--primary: #0a6e4f" in client.get("/staff/login/").content.decode()


def test_each_request_gets_its_own_copy_of_the_kept_theme(rf):
    # given two requests on the same host
    first, second = rf.get("/"), rf.get("/")
    # when each reads the theme
    a, b = Theme.for_request(first), Theme.for_request(second)
    # then they hold equal themes, but not the same object (each is tied to its own request)
    assert a == b and a is not b
    assert a._request is first and b._request is second
