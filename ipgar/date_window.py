"""The window every date the application accepts lies in: 1900-01-01 .. today + 5 years.

A penetration test found that a registration from 0001-01-01 broke that case's pages, the AVG export and the
hourly grant sweep (local time of year 1 overflows); an end date of 9999-12-31 overflowed
`date + timedelta`. No date a person can mean lies outside this window.

- Forms: nothing to do. Every `forms.DateField` and `forms.DateTimeField` of every form
  (model forms and the admin included) carries `validate_date_window`
  (`bound_every_date_field`, called when the `ipgar` package is imported, before
  any form class exists), so an out-of-window date is a
  field error, not a 500.
- Services: call `check_dates(field=value, ...)` before saving dates that did not come
  through a form (it raises `ValidationError({field: message})`).
- Arithmetic on stored dates: `add_days` and `day_after` return None instead of overflowing.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 5


def latest(today: dt.date | None = None) -> dt.date:
    """Today + 5 years (28 February when today is 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        # Naive or aware, the calendar day as written is what is judged (no time-zone shift,
        # which itself overflows at year 1 and 9999).
        return value.date()
    return value


def in_window(value, *, late_margin_days: int = 0) -> bool:
    """True for None and for a date (or datetime) in the window (`late_margin_days` past its end
    for an exclusive end: a grant ends at the start of the day after its last day)."""
    if value is None:
        return True
    return EARLIEST <= _as_date(value) <= latest() + dt.timedelta(days=late_margin_days)


def message() -> str:
    return _("Give a date between %(first)s and %(last)s.") % {
        "first": EARLIEST.strftime("%d-%m-%Y"),
        "last": latest().strftime("%d-%m-%Y"),
    }


def validate_date_window(value) -> None:
    """A Django validator for dates and datetimes (forms and model fields)."""
    if not in_window(value):
        raise ValidationError(message(), code="date_window")


def check_dates(*, late_margin_days: int = 0, **fields) -> None:
    """For services: refuse every out-of-window date (or datetime) at once, as field errors."""
    errors = {
        name: message() for name, value in fields.items() if not in_window(value, late_margin_days=late_margin_days)
    }
    if errors:
        raise ValidationError(errors, code="date_window")


def add_days(value: dt.date | None, days: int) -> dt.date | None:
    """`value + days`, or None when that leaves the calendar (year 1 .. 9999)."""
    if value is None:
        return None
    try:
        return value + dt.timedelta(days=days)
    except OverflowError:
        return None


def day_after(value: dt.date | None) -> dt.date | None:
    return add_days(value, 1)


def bound_every_date_field() -> None:
    """Give every forms.DateField / DateTimeField (and subclasses) the date-window validator.

    Called from ipgar/__init__.py, so before any app (the admin's autodiscovery included)
    defines a form. Field validators are class defaults copied into each field instance, so
    forms defined anywhere get it without changing their code.
    """
    from django import forms

    for field_class in (forms.DateField, forms.DateTimeField):
        if validate_date_window not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, validate_date_window]
