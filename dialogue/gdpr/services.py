"""A person's rights over their data: download it all, and erase the account.

Each feature that holds personal data has a ``gdpr.py`` with ``export(user) -> {name: [row, ...]}``
and ``erase(user) -> None``. Erasure removes or anonymises what identifies the person but keeps
the procurement record (organisation, role, attendance, questions and answers, meetings held),
so the consultation record and every export still work after it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from enum import Enum

from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from dialogue.core.errors import DialogueError
from dialogue.core.signals import account_erasing
from dialogue.core.spreadsheet import csv_chunks
from dialogue.extensions import db
from dialogue.models import User, utcnow


def _plain(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def collect(user: User) -> dict[str, list[dict]]:
    from dialogue import feature_modules

    data: dict[str, list[dict]] = {}
    for module in feature_modules("gdpr"):
        for name, rows in module.export(user).items():
            data.setdefault(name, []).extend({k: _plain(v) for k, v in row.items()} for row in rows)
    return data


def export_zip(user: User) -> bytes:
    """data.json with everything, and one CSV per kind of record."""
    data = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, rows in data.items():
            if not rows:
                continue
            columns = list(dict.fromkeys(key for row in rows for key in row))
            # Through the shared writer, as every other export: text the person (or anyone) wrote that
            # starts like a formula stays text when the file is opened in a spreadsheet.
            cells = ([json.dumps(row[k], ensure_ascii=False) if isinstance(row.get(k), (dict, list)) else row.get(k)
                      for k in columns] for row in rows)
            archive.writestr(f"{name}.csv", b"".join(csv_chunks(columns, cells)))
        archive.writestr("README.txt", _("Your data held by Dialogue, as JSON (data.json) and as one CSV file per "
                                         "kind of record. Times are in UTC.") + "\n")
    return buffer.getvalue()


def erase_account(user: User, password: str) -> None:
    """Erase a person's account after they confirm with their password.

    The last administrator of an organisation with other members must hand over first, so the
    organisation is never left without one. Before each feature anonymises what it keeps, the
    features end the person's active places, meetings and requests (``account_erasing``).
    """
    from dialogue import feature_modules
    from dialogue.models import MemberRole

    if not check_password_hash(user.password_hash, password or ""):
        raise DialogueError(_("The password is not correct."), field="password")
    membership = user.membership
    if membership is not None and membership.role == MemberRole.ADMIN:
        others = [m for m in membership.organisation.memberships if m.user_id != user.id]
        if others and not any(m.role == MemberRole.ADMIN for m in others):
            raise DialogueError(_("You are the only administrator of your organisation. Make a colleague an "
                                  "administrator first."))
    # The person's commitments end first, while the others can still be told who left.
    account_erasing.send(user, actor=user, now=utcnow(), reason="")
    db.session.flush()
    for module in feature_modules("gdpr"):
        module.erase(user)
    db.session.delete(user)
