from .celery import app as celery_app
from .date_window import bound_every_date_field

# Every date field of every form accepts only 1900-01-01 .. today + 5 years.
bound_every_date_field()

__all__ = ("celery_app",)
