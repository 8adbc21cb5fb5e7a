"""Date filters, built into every template: `{{ value|short_date }}`, `|long_date`, `|short_datetime`."""

from django import template

from ipgar import dates

register = template.Library()
register.filter("short_date", dates.short_date)
register.filter("long_date", dates.long_date)
register.filter("short_datetime", dates.short_datetime)
register.filter("long_datetime", dates.long_datetime)
