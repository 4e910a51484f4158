"""Wordings people agree to (GDPR Art. 6(1)(a), 7(1)): each consent record stores the version it was
given for, so the record always says what the person agreed to. A changed wording gets a new version
and the old ones stay, by version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Wording:
    version: str                       # the one people agree to now
    texts: Mapping[str, object]        # every version ever used: its (lazy) text

    @property
    def text(self):
        return self.texts[self.version]

    def text_of(self, version: str | None) -> str:
        """The wording of a stored version, for the person's data export and the record ("" if unknown)."""
        return str(self.texts[version]) if version in self.texts else ""
