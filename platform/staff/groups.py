"""Channel-layer group names, built in one place."""

from __future__ import annotations


def role_group(role: str, branch_id: int | None = None) -> str:
    return f"staff.{role}" if branch_id is None else f"staff.{role}.branch.{branch_id}"
