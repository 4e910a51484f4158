"""States shown to people carry their label on the enum, in the reader's language."""

from __future__ import annotations

from flask_babel import force_locale

import dialogue.models  # noqa: F401  (every model module, so every labelled enum exists)
from dialogue.models import EventStatus, ParticipantRole
from dialogue.models.base import LabelledEnum


def labelled_enums() -> list[type[LabelledEnum]]:
    found, todo = [], list(LabelledEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_member_of_a_labelled_enum_has_a_label(app):
    enums = labelled_enums()
    assert EventStatus in enums and ParticipantRole in enums
    with app.test_request_context():
        for cls in enums:
            for member in cls:
                assert str(member.label).strip(), f"{cls.__name__}.{member.name} has no label"
            assert list(cls.labels()) == list(cls)


def test_a_label_reads_in_the_language_of_whoever_asks(app):
    with app.test_request_context(), force_locale("fi"):
        finnish = str(ParticipantRole.BUYER.label)
    with app.test_request_context(), force_locale("en"):
        english = str(ParticipantRole.BUYER.label)
    assert english == "Buyer" and finnish and finnish != english
