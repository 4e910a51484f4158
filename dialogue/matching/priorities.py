"""Match scores as a bonus on the auto-scheduler's request weights.

A request's weight is 4 + the buyer's priority + the requester's priority (each 0 to 3). With the
event's ``use_match_scores`` on, a request about a planned tender gains up to ``BONUS_MAX`` more from the
match score of (tender, supplier): a perfect fit counts as much as two priority steps, never more, so
what buyers and suppliers ask for still leads. A request with no tender gains nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from dialogue.matching.queries import pair_scores

BONUS_MAX = 2


def bonus(score: int) -> int:
    return round(BONUS_MAX * max(0, min(100, score)) / 100)


def bonuses(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The bonus of each (intent id, supplier organisation id) pair, in a fixed number of statements."""
    return {pair: bonus(score) for pair, score in pair_scores(pairs).items()}
