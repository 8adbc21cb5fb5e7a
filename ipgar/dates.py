"""The one place where dates get their written form.

Tables and compact places use the short form, "29 nov. 2026"; running text uses the long
form, "29 november 2026". Templates use the `short_date`, `long_date` and `short_datetime`
filters (built in, see TEMPLATES in settings); Python code that writes a date into a
message calls these functions. Both follow the active language.
"""

import datetime as dt
import functools

from django.utils import formats, timezone
from django.utils.translation import get_language


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


@functools.lru_cache(maxsize=64)
def _short_month(language: str | None, month: int) -> str:
    """The month as the short form writes it, in `language`: worked out once per language and
    month (a case page writes some hundred dates, two translated formats each)."""
    first = dt.date(2000, month, 1)
    if (language or "nl").startswith("nl"):
        abbreviation = formats.date_format(first, "b")
        full = formats.date_format(first, "F")
        # Dutch abbreviations take a full stop, except a month that is not shortened (mei).
        return abbreviation if abbreviation == full else f"{abbreviation}."
    return formats.date_format(first, "M")


def short_date(value) -> str:
    """'29 nov. 2026' (Dutch), '29 Nov 2026' (English); '' for no date."""
    if not value:
        return ""
    value = _as_date(value)
    language = get_language()
    month = _short_month(language, value.month)
    if (language or "nl").startswith("nl"):
        return f"{value.day} {month} {value.year}"
    return f"{value.day} {month} {value.year:04d}"  # as the format "j M Y" writes it


def long_date(value) -> str:
    """'29 november 2026'; '' for no date."""
    if not value:
        return ""
    return formats.date_format(_as_date(value), "j F Y")


def short_datetime(value) -> str:
    """'29 nov. 2026 14:05' in local time; '' for no value."""
    if not value:
        return ""
    value = _as_date(value)
    return f"{short_date(value)} {formats.time_format(value, 'H:i')}"


def long_datetime(value) -> str:
    """'29 november 2026 14:05' in local time; '' for no value."""
    if not value:
        return ""
    value = _as_date(value)
    return f"{long_date(value)} {formats.time_format(value, 'H:i')}"


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day` (the project's time zone, daylight saving included):
    the one way a date becomes the moment a period starts or, for the day after, ends."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
