"""The consultation record: what a buyer keeps of a market consultation for the tender file.

Directive 2014/24/EU Art. 84 asks the buyer to document its communications with economic operators,
and Art. 40-41 that every supplier was treated alike. For an event, and for a planned tender across
the events it was presented at, the record lists who took part, who met whom, what was published and
when, the questions and answers, the surveys and the audit log: as a printable page and as CSV files
in a ZIP.
"""

from flask import Blueprint

bp = Blueprint("record", __name__)

from dialogue.record import routes  # noqa: E402,F401
