"""Whose name the consultation record may show.

The record goes to the tender file, which others may later read (access to documents, review
bodies). Its legal basis is the buyers' public task (GDPR Art. 6(1)(e), with Art. 84 of Directive
2014/24/EU); what that task needs is which organisations took part and in what role, not who
personally. So people are named only where that is already so on another basis:

- the event's organisers and check-in staff, who act for a co-hosting public buyer, and the speakers
  on the published agenda: people in a public role, named on the event's own pages;
- participants who consented to the participant list, for as long as they have not withdrawn it
  (the consent is for a list the organisers see, and the organisers keep this record).

Everyone else appears by organisation and role only; an erased account by organisation only.
Question askers, meeting participants and survey respondents are never named in the record.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BASIS_PUBLIC_ROLE = _l("public role")
BASIS_CONSENT = _l("consent to the participant list")

EXPLANATION = _l("People are named only where the legal basis allows: the organisers, check-in staff and "
                 "speakers of the event, who act in a public role, and participants who consented to the "
                 "participant list. Everyone else appears by organisation and role only.")
