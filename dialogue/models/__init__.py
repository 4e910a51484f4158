"""All models, imported here so that metadata and Alembic see every table.

Each module names what it offers in its own ``__all__``; the package offers all of it
(``from dialogue.models import Event``), so a new model is listed once, where it is declared.
"""

from dialogue.models import (
    audit,
    base,
    cpv,
    event,
    group,
    intent,
    invitation_list,
    job,
    material,
    meeting,
    minutes,
    organisation,
    outbox,
    profile,
    readiness,
    registration,
    series,
    survey,
    texts,
    user,
)
from dialogue.models.audit import *
from dialogue.models.base import *
from dialogue.models.cpv import *
from dialogue.models.event import *
from dialogue.models.group import *
from dialogue.models.intent import *
from dialogue.models.invitation_list import *
from dialogue.models.job import *
from dialogue.models.material import *
from dialogue.models.meeting import *
from dialogue.models.minutes import *
from dialogue.models.organisation import *
from dialogue.models.outbox import *
from dialogue.models.profile import *
from dialogue.models.readiness import *
from dialogue.models.registration import *
from dialogue.models.series import *
from dialogue.models.survey import *
from dialogue.models.texts import *
from dialogue.models.user import *

__all__ = [name for module in (audit, base, cpv, event, group, intent, invitation_list, job, material, meeting,
                               minutes, organisation, outbox, profile, readiness, registration, series, survey,
                               texts, user)
           for name in module.__all__]

# Last: it gives the enums declared above their labels.
from dialogue.models import labels  # noqa: E402, F401
