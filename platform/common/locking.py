"""Row locks in one place: every service that changes a contended row takes it through here."""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], **lookup) -> M:
    """The row, locked until the surrounding transaction ends (must be inside `atomic()`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must be called inside transaction.atomic()")
    return model._default_manager.select_for_update().get(**lookup)
