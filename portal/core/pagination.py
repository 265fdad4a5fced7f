"""Pagination in two queries (a count and a page), whatever the number of rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from portal.extensions import db


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


MAX_PAGE = 10**9  # far beyond any list; keeps OFFSET within 64 bits whatever number is typed


def page_number(name: str = "page") -> int:
    """The page asked for in the query string (``?page=``): 1 when absent or not a positive number."""
    try:
        return min(MAX_PAGE, max(1, int(request.args.get(name, 1))))
    except ValueError:
        return 1


def paginate(stmt: Select, number: int | None = None, per_page: int = 25) -> Page:
    """Run ``stmt`` (already ordered, with its eager loads) for one page; count without the ORDER BY."""
    number = number or page_number()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, math.ceil(total / per_page))
    number = min(number, last)
    items = list(db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).unique())
    return Page(items=items, number=number, per_page=per_page, total=total)
