"""Cursor pagination, the API's default: pages stay stable while rows are added (no skipped or
repeated items, unlike page numbers), and the cursor is opaque. Ordered by `-pk` unless a view
sets `ordering` (it must be unique, or end in a unique field, for the cursor to be stable)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"
    cursor_query_param = "cursor"
    invalid_cursor_message = _(  # type: ignore[assignment]
        "分页游标无效，请使用上一页返回的 next / previous 链接。"
    )

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return (self.ordering,)
