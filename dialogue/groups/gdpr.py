"""A person's part in buyer groups: the groups they started, members they added, statement versions they
published or signed, and library versions they saved. All of it belongs to the groups' record: erasure
keeps it and drops the link to the person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dialogue.extensions import db
from dialogue.gdpr.erasure import forget_person
from dialogue.models import (
    BuyerGroup,
    GroupMember,
    HarmonisedCriterion,
    HarmonisedCriterionVersion,
    StatementSignature,
    StatementVersion,
    User,
)

COLUMNS = (BuyerGroup.created_by_id, GroupMember.added_by_id, StatementVersion.created_by_id,
           StatementSignature.signed_by_id, HarmonisedCriterionVersion.saved_by_id)


def export(user: User) -> dict[str, list[dict]]:
    signed = db.session.scalars(select(StatementSignature).where(StatementSignature.signed_by_id == user.id)
                                .options(joinedload(StatementSignature.statement).joinedload(StatementVersion.group),
                                         joinedload(StatementSignature.organisation)).order_by(StatementSignature.id))
    written = db.session.scalars(select(StatementVersion).where(StatementVersion.created_by_id == user.id)
                                 .options(joinedload(StatementVersion.group)).order_by(StatementVersion.id))
    saved = db.session.scalars(select(HarmonisedCriterionVersion)
                               .where(HarmonisedCriterionVersion.saved_by_id == user.id)
                               .options(joinedload(HarmonisedCriterionVersion.criterion)
                                        .joinedload(HarmonisedCriterion.group)).order_by(HarmonisedCriterionVersion.id))
    started = db.session.scalars(select(BuyerGroup).where(BuyerGroup.created_by_id == user.id).order_by(BuyerGroup.id))
    added = db.session.scalars(select(GroupMember).where(GroupMember.added_by_id == user.id)
                               .options(joinedload(GroupMember.group), joinedload(GroupMember.organisation))
                               .order_by(GroupMember.id))
    return {
        "buyer_groups_you_started": [{"group": g.name, "started_at": g.created_at} for g in started],
        "group_members_you_added": [{"group": m.group.name, "organisation": m.organisation.name,
                                     "added_at": m.added_at} for m in added],
        "joint_statements_you_signed": [{"group": s.statement.group.name, "version": s.statement.version,
                                         "for_organisation": s.organisation.name, "signed_on": s.signed_on}
                                        for s in signed],
        "joint_statement_versions_you_published": [{"group": v.group.name, "version": v.version,
                                                    "published_at": v.created_at} for v in written],
        "harmonised_criteria_you_saved": [{"group": v.criterion.group.name, "criterion": v.title,
                                           "version": v.version, "saved_at": v.saved_at} for v in saved],
    }


def erase(user: User) -> None:
    forget_person(user, *COLUMNS)
