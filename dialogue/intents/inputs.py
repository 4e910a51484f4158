"""What a form or a script hands the intent services (``IntentInput`` and its rows), and what comes
back once every field is checked (``Clean``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from dialogue.models import Organisation, ProcedureType


@dataclass
class ItemInput:
    cpv: str = ""
    description: str = ""
    quantity: Decimal | str | None = None
    unit: str = ""
    lot_number: int | None = None

    def is_blank(self) -> bool:
        return not ((self.cpv or "").strip() or (self.description or "").strip() or self.quantity not in (None, "")
                    or (self.unit or "").strip() or self.lot_number is not None)


@dataclass
class LotInput:
    number: int | None = None
    title: str = ""
    description: str = ""
    estimated_value: Decimal | str | None = None

    def is_blank(self) -> bool:
        return not (self.number is not None or (self.title or "").strip() or (self.description or "").strip()
                    or self.estimated_value not in (None, ""))


@dataclass
class CriterionInput:
    key: str
    ticked: bool = False
    text: str = ""
    tier: str | None = None
    name: str = ""


@dataclass
class IntentInput:
    """Plain values for an intent, as a form or a script gives them."""

    title: str = ""
    description: str = ""
    rationale: str = ""
    cpv_main: str = ""
    additional_cpv: str | list[str] = ""
    items: list[ItemInput] = field(default_factory=list)
    lots: list[LotInput] = field(default_factory=list)
    criteria: list[CriterionInput] = field(default_factory=list)
    estimated_value: Decimal | str | None = None
    currency: str | None = None
    procedure_type: str | None = None
    planned_notice_date: dt.date | None = None
    contract_start_date: dt.date | None = None
    contract_duration_months: int | None = None
    place_country: str | None = None
    place_nuts: str | None = None
    partner_ids: list[int] = field(default_factory=list)
    partner_names: str | list[str] = ""
    contact_name: str | None = None
    contact_email: str | None = None
    timezone: str | None = None


@dataclass
class Clean:
    """The checked values, ready to store."""

    title: str
    description: str
    rationale: str
    cpv_main: str
    additional_cpv: list[str]
    items: list[dict]
    lots: list[dict]
    criteria: list[dict]
    estimated_value: Decimal | None
    currency: str | None
    procedure_type: ProcedureType | None
    planned_notice_date: dt.date | None
    contract_start_date: dt.date | None
    contract_duration_months: int | None
    place_country: str | None
    place_nuts: str | None
    partners: list[tuple[Organisation | None, str]]
    contact_name: str | None
    contact_email: str | None
    timezone: str | None
