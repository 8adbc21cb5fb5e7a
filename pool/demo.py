"""The pool of the memo of 26 May 2020 (seed 004): eight directors, their FTE and maxima."""

import datetime as dt
from decimal import Decimal

from cases.models import Area
from ipgar.models import Organisation, User

from .models import Director

# username, organisation, FTE, seconded from, only Amstelland
POOL = [
    ("r-oov-1", "oov", Decimal("1.0"), None, False),
    ("r-oov-2", "oov", Decimal("1.0"), None, False),
    ("r-oov-3", "oov", Decimal("0.5"), "jbra", False),
    ("r-amstelland", "amstelveen", Decimal("1.0"), None, True),
    ("r-om", "om", Decimal("0.5"), None, False),
    ("r-rn", "rn", Decimal("0.5"), None, False),
    ("r-wpi", "wpi", Decimal("1.0"), None, False),
    ("r-ggd", "ggd", Decimal("0.5"), None, False),
]


def seed(*, stdout=None) -> dict[str, Director]:
    directors = {}
    amstelland = list(Area.objects.filter(region=Area.Region.AMSTELLAND))
    for username, organisation, fte, seconded_from, only_amstelland in POOL:
        director, created = Director.objects.get_or_create(
            user=User.objects.get(username=username),
            defaults={
                "organisation": Organisation.objects.get(code=organisation),
                "seconded_from": Organisation.objects.get(code=seconded_from) if seconded_from else None,
                "fte": fte,
                "line_manager_name": "Manager moederorganisatie",
                "active_from": dt.date(2019, 1, 1),
            },
        )
        if created and only_amstelland:
            director.restricted_to_areas.set(amstelland)
        directors[username] = director
    return directors
