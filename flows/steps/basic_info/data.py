"""What the basic-information step keeps on its StepRecord.

The answers are stored as codes in clear (they are choices, not personal data); the contact
details and the names and ID numbers of a controller or beneficial owner are personal data, kept
encrypted in one token, as every personal field at rest is."""

from __future__ import annotations

import json
from typing import Any

from privacy import crypto

ANSWERS = (
    "tax_residency",
    "pep_relation",
    "investment_horizon",
    "expected_return",
    "controller",
    "beneficial_owner",
    "products",
    "products_other",
    "bad_credit",
)
PERSONAL = (
    "controller_name",
    "controller_id_number",
    "controller_relation",
    "owner_name",
    "owner_id_number",
    "owner_relation",
    "contact_address",
    "postal_code",
    "email",
)


def basic_info_pack(*, cleaned: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """The record data for a valid form. An unchanged submission gives the same data (the old
    token is kept), so that confirming it again does not count as a change."""
    personal = {name: cleaned.get(name, "") for name in PERSONAL}
    token = previous.get("personal", "")
    if not token or basic_info_personal(previous) != personal:
        token = crypto.encrypt_text(json.dumps(personal, ensure_ascii=False, sort_keys=True))
    return {"answers": {name: cleaned.get(name, "") for name in ANSWERS}, "personal": token}


def basic_info_personal(data: dict[str, Any]) -> dict[str, Any]:
    token = data.get("personal")
    if not token:
        return {}
    try:
        return json.loads(crypto.decrypt_text(token))
    except ValueError:  # a key no longer configured: ask again rather than fail
        return {}


def basic_info_values(data: dict[str, Any]) -> dict[str, Any]:
    """Every answer and detail in one flat dict (codes), e.g. to fill the form again."""
    return {**data.get("answers", {}), **basic_info_personal(data)}
