"""Reading the access log newest first, a page at a time, in the same time at any size.

The log grows to tens of millions of rows (BENCHMARKS.md, the access-log section). Two rules
keep its pages constant:

- Pages go by keyset on (at, id), never by OFFSET or COUNT: the next page continues below
  the last row shown through the (at DESC, id DESC) indexes, the previous one above the first.
- A filter that is an OR of conditions (a case code: its label, a typed id, or the case's
  own id for refusals, which store only the id) is read as a UNION of one ordered scan per
  condition, each limited to the page, then merged. As one OR, PostgreSQL combines bitmaps
  and sorts every read of the case before it can take 50: for the most-read case that is
  hundreds of thousands of rows on every page.
- A read first looks in the two months next to where the page starts (RECENT). Every read
  without a period is otherwise planned over all ~65 monthly partitions, once per branch:
  20-30 ms of planning against a few ms of execution at 50 M rows. A literal bound on `at`
  lets PostgreSQL prune at planning time to the two or three months concerned (EXPLAIN:
  planning 26 -> 1.3 ms for a typical case's three branches). When those months hold a full
  page, it is the right page (every row outside them lies further on); otherwise the read is
  repeated without the bound: at most two reads.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry

NEWEST_FIRST = ("-at", "-id")
OLDEST_FIRST = ("at", "id")
RECENT = dt.timedelta(days=62)


def _older_than(entries: QuerySet, cursor: "Cursor") -> QuerySet:
    # A row comparison, not (at < x OR at = x AND id < y): PostgreSQL then walks the
    # (at DESC, id DESC) index from the cursor on, in every month.
    return entries.extra(
        where=["(ipgar_accesslogentry.at, ipgar_accesslogentry.id) < (%s, %s)"], params=[cursor.at, cursor.id]
    )


def _newer_than(entries: QuerySet, cursor: "Cursor") -> QuerySet:
    return entries.extra(
        where=["(ipgar_accesslogentry.at, ipgar_accesslogentry.id) > (%s, %s)"], params=[cursor.at, cursor.id]
    )


@dataclass(frozen=True)
class Cursor:
    """The position of one entry in time order; travels in the page's address as `<id>:<at>`."""

    at: dt.datetime
    id: int

    @classmethod
    def of(cls, entry: AccessLogEntry) -> "Cursor":
        return cls(at=entry.at, id=entry.pk)

    def encode(self) -> str:
        return f"{self.id}:{self.at.isoformat()}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        """The cursor in `text`, or None for anything else (a hand-edited address is the first page)."""
        pk, _sep, at = (text or "").partition(":")
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError:
            return None
        if not pk.isdigit() or len(pk) > 19 or moment.tzinfo is None:
            return None
        return cls(at=moment, id=int(pk))


class LogQuery:
    """The access log under one filter: the rows matching any of `branches` (querysets of
    AccessLogEntry), read newest first by keyset."""

    def __init__(self, branches: list[QuerySet]):
        self.branches = list(branches)

    @classmethod
    def none(cls) -> "LogQuery":
        return cls([])

    def older(self, size: int, *, before: Cursor | None = None) -> list[AccessLogEntry]:
        """The newest `size` rows below `before` (all rows when None), newest first."""
        since = (timezone.now() if before is None else before.at) - RECENT
        return self._read(
            size,
            NEWEST_FIRST,
            None if before is None else partial(_older_than, cursor=before),
            window=lambda entries: entries.filter(at__gte=since),
        )

    def newer(self, size: int, *, after: Cursor) -> list[AccessLogEntry]:
        """The oldest `size` rows above `after`, returned newest first (the previous page)."""
        until = after.at + RECENT
        return self._read(
            size, OLDEST_FIRST, partial(_newer_than, cursor=after), window=lambda entries: entries.filter(at__lte=until)
        )[::-1]

    def page(self, size: int, *, before: Cursor | None = None, after: Cursor | None = None) -> "Page":
        """The page below `before` or above `after` (the first page when neither), `size` rows."""
        if after is not None:
            rows = self.newer(size + 1, after=after)
            if len(rows) > size:
                return Page(rows[1:], has_previous=True, has_next=True)
            # Back at the top: the first page, full.
        elif before is not None:
            rows = self.older(size + 1, before=before)
            return Page(rows[:size], has_previous=True, has_next=len(rows) > size)
        rows = self.older(size + 1)
        return Page(rows[:size], has_previous=False, has_next=len(rows) > size)

    def _read(self, size: int, order: tuple[str, ...], bound, *, window) -> list[AccessLogEntry]:
        if not self.branches:
            return []
        # The months next to the cursor first (module docstring); a full page there is the page.
        rows = list(self.queryset(size, order, bound, window=window))
        if len(rows) == size:
            return rows
        return list(self.queryset(size, order, bound))

    def queryset(self, size: int, order: tuple[str, ...] = NEWEST_FIRST, bound=None, *, window=None) -> QuerySet:
        """The SQL of one read (the benchmark EXPLAINs it): each branch ordered and limited, merged."""
        parts = []
        for branch in self.branches:
            for narrow in (bound, window):
                branch = narrow(branch) if narrow else branch
            parts.append(branch.order_by(*order)[:size])
        if len(parts) == 1:
            return parts[0]
        # UNION, not UNION ALL: an allowed read of a case matches both its label and its id.
        return parts[0].union(*parts[1:]).order_by(*order)[:size]


class Page:
    """One page of entries for a template: iterable, with the cursors of its neighbours."""

    def __init__(self, entries: list, *, has_previous: bool, has_next: bool):
        self.entries = entries
        self.has_previous = has_previous and bool(entries)
        self.has_next = has_next and bool(entries)
        self.has_other_pages = self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def previous_cursor(self) -> str:
        """Where the newer page starts: above the first entry shown."""
        return Cursor.of(self.entries[0]).encode() if self.entries else ""

    @property
    def next_cursor(self) -> str:
        """Where the older page starts: below the last entry shown."""
        return Cursor.of(self.entries[-1]).encode() if self.entries else ""
