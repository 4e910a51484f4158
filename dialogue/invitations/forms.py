from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField

from dialogue.core.forms import Form
from dialogue.invitations.csvimport import decode


class ImportForm(Form):
    """The CSV upload; after a report with bad rows, the same text comes back with ``good_only``."""

    file = FileField(_l("CSV file"), description=_l("Columns name, email, organisation with a header row; "
                                                     "UTF-8, separated by commas or semicolons."))
    content = HiddenField()
    good_only = BooleanField()

    def text(self) -> str | None:

        if self.content.data:
            return self.content.data
        upload = self.file.data
        return decode(upload.read()) if upload else ""
