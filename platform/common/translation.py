"""One fallback catalogue per language instead of a chain of them.

Wagtail ships old `zh` catalogues beside its `zh_Hans` ones, and Python's gettext, asked for
zh_Hans, loads both: Django's catalogue for Chinese ends up with eleven fallbacks in a chain.
The site's own strings are Chinese msgids with no Chinese catalogue, so every one of them misses
the catalogue and walks the whole chain: some forty lookups per page, 13% of a step page's time.
Merging the chain into one catalogue (earlier entries win, as the chain's order gives) answers
the same for every message, in one lookup."""

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
