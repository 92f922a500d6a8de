"""The merged catalogues (common/translation.py) answer every message as Django's chain of
them did, in one lookup."""

from __future__ import annotations

import pytest
from django.utils.translation import trans_real

from common.translation import _flatten, _merge_catalog


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_merged_catalogues_answer_every_message_alike(language):
    # given: a fresh catalogue of the language, as Django builds it, and what it answers
    before = trans_real.DjangoTranslation(language)
    after = trans_real.DjangoTranslation(language)
    messages = [key for key in before._catalog.keys() if isinstance(key, str)]
    plurals = {key[0] for key in before._catalog.keys() if isinstance(key, tuple)}
    messages += ["业务办理", "not a message of any catalogue"]

    # when
    _flatten(after)
    _merge_catalog(after)

    # then
    merged, kept = len(after._catalog._catalogs), len(before._catalog._catalogs)
    assert merged == 1 if language == "zh-hans" else merged < kept
    assert [after.gettext(m) for m in messages] == [before.gettext(m) for m in messages]
    for message in plurals:
        for n in (0, 1, 2, 5):
            assert after.ngettext(message, message, n) == before.ngettext(message, message, n)
