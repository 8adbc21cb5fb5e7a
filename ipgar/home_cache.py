"""The programme team's cached home figures: the key, and the call a save makes to drop them.

Apps call `programme_figures_changed()` after a save that changes the figures (a report, a
status, an assignment); `ipgar.home` (the composition layer) computes and caches them.
"""

from django.core.cache import caches

PROGRAMME_FIGURES_KEY = "home:programme-team-figures"


def programme_figures_changed() -> None:
    caches["shared"].delete(PROGRAMME_FIGURES_KEY)
