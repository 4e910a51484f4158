"""Retention periods per kind of record, enforced by ``flask --app wsgi gdpr purge``.

Each feature may add rules in its ``gdpr.py`` as ``RETENTION = [RetentionRule(...), ...]``. A rule
names a config key holding its period in days (0 or less turns it off), says what it does, and
counts or applies it for records older than the cut-off. The privacy page lists the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select, update

from dialogue.extensions import db
from dialogue.models import utcnow


@dataclass(frozen=True)
class RetentionRule:
    key: str                  # config key, e.g. "RETENTION_OUTBOX_DAYS"
    default_days: int
    description: str          # what is kept, and what happens after the period (a lazy string)
    count: Callable[[dt.datetime], int]
    apply: Callable[[dt.datetime], int]

    def days(self) -> int:
        return int(current_app.config.get(self.key, self.default_days))


def retention_rule(key: str, default_days: int, description, model, expired: Callable[[dt.datetime], ColumnElement],
                   *, clear: dict | None = None) -> RetentionRule:
    """The usual rule: the rows of ``model`` that ``expired(cutoff)`` selects are deleted, or, with
    ``clear``, kept with those columns set (``{"token": None}`` stops a link working)."""

    def count(cutoff: dt.datetime) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(expired(cutoff)))

    def apply(cutoff: dt.datetime) -> int:
        statement = update(model).values(**clear) if clear else delete(model)
        return db.session.execute(statement.where(expired(cutoff))
                                  .execution_options(synchronize_session=False)).rowcount

    return RetentionRule(key, default_days, description, count, apply)


def rules() -> list[RetentionRule]:
    from dialogue import feature_modules

    found: list[RetentionRule] = []
    for module in feature_modules("gdpr"):
        found.extend(getattr(module, "RETENTION", []))
    return found


def purge(dry_run: bool, now: dt.datetime | None = None) -> list[tuple[RetentionRule, int]]:
    """Apply (or, with dry_run, only count) every rule. The caller commits."""
    now = now or utcnow()
    report = []
    for rule in rules():
        days = rule.days()
        if days <= 0:
            report.append((rule, 0))
            continue
        cutoff = now - dt.timedelta(days=days)
        report.append((rule, rule.count(cutoff) if dry_run else rule.apply(cutoff)))
    return report
