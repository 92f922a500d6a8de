"""One fallback catalogue per language instead of a chain of them.

Wagtail ships old `zh` catalogues beside its `zh_Hans` ones, and Python's gettext, asked for
zh_Hans, loads both: Django's catalogue for Chinese ends up with eleven fallbacks in a chain.
The site's own strings are Chinese msgids with no Chinese catalogue, so every one of them misses
the catalogue and walks the whole chain: some forty lookups per page, 13% of a step page's time.
Merging the chain into one catalogue (earlier entries win, as the chain's order gives) answers
the same for every message, in one lookup.

The language's own catalogue is a chain too: Django keeps the catalogues of its apps apart when
their plural rules differ, and its test for "the same rule" compares a code object with a
function, so it never holds (django/utils/translation/trans_real.py, TranslationCatalog.update):
Chinese had 22 separate catalogues of one rule, a missed message cost 22 lookups before the
fallback, about 10 microseconds, some 150 times per step page (1-3 ms of 8-17). Neighbouring
catalogues of one rule are merged the same way (Chinese: into one)."""

from __future__ import annotations

import copy
import gettext

from django.utils.translation import trans_real

_FLATTENED = "_onboarding_fallbacks_flattened"


def catalogues_flatten(**kwargs) -> None:
    """Flatten each loaded language's fallbacks once (connected to `request_started`: a
    language loads during a request, and the next request flattens it)."""
    for translation in list(trans_real._translations.values()):
        if not getattr(translation, _FLATTENED, False):
            _flatten(translation)
            _merge_catalog(translation)
            setattr(translation, _FLATTENED, True)


def _flatten(translation: gettext.NullTranslations) -> None:
    chain = []
    fallback = translation._fallback
    while type(fallback) is gettext.GNUTranslations:
        chain.append(fallback)
        fallback = fallback._fallback
    # only catalogues of one plural rule answer alike when merged
    if len(chain) < 2 or len({part._info.get("plural-forms") for part in chain}) != 1:
        return
    merged = copy.copy(chain[0])
    merged._catalog = {}
    for part in reversed(chain):
        merged._catalog.update(part._catalog)
    merged._fallback = fallback
    translation._fallback = merged


def _merge_catalog(translation: gettext.NullTranslations) -> None:
    """Merge each run of neighbouring catalogues of one plural rule (earlier entries win): a
    lookup still meets the catalogues in the same order, each with its own rule."""
    catalog = getattr(translation, "_catalog", None)
    if not isinstance(catalog, trans_real.TranslationCatalog) or len(catalog._catalogs) < 2:
        return
    catalogs: list[dict] = []
    plurals: list = []
    for part, plural in zip(catalog._catalogs, catalog._plurals, strict=True):
        if plurals and plural.__code__ == plurals[-1].__code__:
            catalogs[-1] = {**part, **catalogs[-1]}
        else:
            catalogs.append(dict(part))
            plurals.append(plural)
    catalog._catalogs[:] = catalogs
    catalog._plurals[:] = plurals
