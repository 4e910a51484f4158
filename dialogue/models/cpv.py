from __future__ import annotations

__all__ = ["CpvCode"]

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.models.base import Base


class CpvCode(Base):
    """A Common Procurement Vocabulary code with its English label ("30213100-6", "Portable computers").

    Filled from the ICT codes shipped in ``dialogue/data/cpv-ict.json`` on first use, or from the full
    official list with ``flask cpv import``. Validation is membership in this table: the check digit
    has no published formula.
    """

    __tablename__ = "cpv_codes"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(500))

    @property
    def digits(self) -> str:
        return self.code[:8]

    @property
    def division(self) -> str:
        return self.code[:2]
