"""common.urls.reverse_kept answers as `reverse` does, under the URL configuration and the script
prefix of the moment."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from common.urls import reverse_kept


def test_a_kept_url_is_the_url_reverse_gives():
    assert reverse_kept("flows:step", "A2026120700001", "photos") == reverse(
        "flows:step", args=["A2026120700001", "photos"]
    )
    assert reverse_kept("flows:my_business") == reverse("flows:my_business")


def test_a_kept_url_follows_the_script_prefix():
    # given a URL kept under the root prefix
    plain = reverse_kept("flows:my_business")
    # when the site is served under a prefix
    set_script_prefix("/futures/")
    try:
        prefixed = reverse_kept("flows:my_business")
    finally:
        clear_script_prefix()
    # then the URL carries it, and the root's is unchanged
    assert prefixed == "/futures" + plain
    assert reverse_kept("flows:my_business") == plain


def test_a_url_that_does_not_reverse_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        reverse_kept("flows:step", "A2026120700001")
    with pytest.raises(NoReverseMatch):
        reverse_kept("flows:step", "A2026120700001")  # not kept as an answer either
