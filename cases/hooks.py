"""What flows back to `cases` from the apps that build on it.

The apps are layered: `ipgar` (users, roles, the access log) < `cases` < `pool` < `meetings` <
`monitor`; an app imports only the apps below it (`tests/ipgar/test_layers.py` walks the
imports). A director belongs to the pool and a case refers to one, so `pool` depends on
`cases`. Where `cases` must let a higher app act - a case given to a director reaches that
director's substitute; retention empties every app's free text about a case - the higher app
registers a callback here in its `AppConfig.ready()`, and `cases` calls whatever is registered.
"""

from collections.abc import Callable

_director_assigned: list[Callable] = []
_case_emptiers: list[Callable] = []


def on_director_assigned(callback: Callable) -> Callable:
    """Register `callback(*, case, director, by, on)`, run inside the assignment's transaction."""
    if callback not in _director_assigned:
        _director_assigned.append(callback)
    return callback


def director_assigned(*, case, director, by, on) -> None:
    for callback in _director_assigned:
        callback(case=case, director=director, by=by, on=on)


def on_case_emptied(callback: Callable) -> Callable:
    """Register `callback(*, case) -> dict[str, int]` (what it removed), run by retention."""
    if callback not in _case_emptiers:
        _case_emptiers.append(callback)
    return callback


def empty_case(*, case) -> dict[str, int]:
    removed: dict[str, int] = {}
    for callback in _case_emptiers:
        removed.update(callback(case=case))
    return removed
