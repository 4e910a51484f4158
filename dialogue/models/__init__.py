"""All models, imported here so that metadata and Alembic see every table.

Each module names what it offers in its own ``__all__``; the package offers all of it
(``from dialogue.models import Event``), so a new model is listed once, where it is declared.
"""

from dialogue.models import labels  # noqa: F401  (the enums' labels)
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
