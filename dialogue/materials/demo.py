"""Demo materials: small generated PDFs on the demo events, one per session that takes slides.

Events and sessions come from the events feature's demo; whatever is missing is skipped. Items are
looked up by event, session and title first, so running the demo twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import func, select

from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.materials import services
from dialogue.materials.overview import NO_SLIDES_KINDS
from dialogue.models import AgendaSession, AuditEntry, Event, Material, MaterialVisibility, User, utcnow

EVENTS = {
    "nordic-forum-smartphones": {
        "programme": ("Programme and background", MaterialVisibility.PUBLIC, [
            "Nordic Forum for Market Dialogue",
            "Towards fair and circular smartphones",
            "Co-hosted by Helsinki, Malmo, Oslo and Copenhagen.",
            "Buyers present their plans; suppliers and resellers present solutions.",
            "Under equal treatment every registered participant receives the same material.",
        ]),
        "sessions": [
            "Fair supply chains for mobile phones: what buyers plan to ask",
            "Take-back, refurbishment and longer use: circular criteria",
            "Labels and affiliations: TCO Certified, EPEAT, Electronics Watch",
        ],
    },
    "make-ict-fair-2018": {
        "programme": ("Live Market Engagement: summary", MaterialVisibility.PUBLIC, [
            "Make ICT Fair - Live Market Engagement",
            "Nijmegen, 3 October 2018, back-to-back with EcoProcura",
            "Public authorities presented their procurement plans:",
            "Aalborg, APUC Scotland, Barcelona, Haarlem, a Swiss partnership,",
            "SSO Noord with DUO, and others.",
            "Suppliers presented solutions for fair and circular ICT.",
        ]),
        "sessions": [
            "Procurement plans for ICT equipment in the coming years",
            "Social criteria in the tender: human-rights due diligence",
            "Refurbished laptops at scale: what the market can deliver",
        ],
    },
}


def make_pdf(lines: list[str]) -> bytes:
    """A valid one-page A4 landscape PDF showing ``lines`` (the first as a heading) in Helvetica."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return b"(" + re.sub(rb"([\\()])", rb"\\\1", raw) + b")"

    ops = [b"BT", b"/F1 26 Tf", b"60 520 Td", literal(lines[0] if lines else "") + b" Tj", b"/F1 14 Tf"]
    for line in lines[1:]:
        ops += [b"0 -28 Td", literal(line) + b" Tj"]
    ops.append(b"ET")
    content = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _filename(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] + ".pdf"


def _exists(event: Event, session: AgendaSession | None, title: str) -> bool:
    return db.session.scalar(select(Material.id).where(
        Material.event_id == event.id, Material.title == title,
        Material.session_id.is_(None) if session is None else Material.session_id == session.id)) is not None


def _add(user: User, event: Event, session: AgendaSession | None, title: str, visibility, lines: list[str]):
    if _exists(event, session, title):
        return
    db.session.flush()
    mark = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    material = services.upload_material(user, event=event, session=session, title=title, language="en",
                                        visibility=visibility, filename=_filename(title),
                                        stream=io.BytesIO(make_pdf(lines)))
    if event.ends_at <= utcnow():
        _shared_after(event, material, mark)


def _shared_after(event: Event, material: Material, mark: int) -> None:
    """A past event's materials were shared the day after it, not when the demo was loaded: the material,
    its version and the audit entry that published it say so (the consultation record shows all three)."""
    db.session.flush()
    shown = db.session.scalar(select(func.count(Material.id)).where(Material.event_id == event.id))
    shared = event.ends_at + dt.timedelta(days=1, minutes=5 * shown)  # one after the other, in upload order
    material.created_at = material.updated_at = shared
    for version in material.versions:
        version.created_at = shared
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.id > mark)):
        entry.created_at = shared


def build(world: dict) -> None:
    organiser = world["people"].get("organiser")
    for slug, plan in EVENTS.items():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            continue
        staff = [s.user for s in event.staff if is_organiser(event, s.user)]
        host = organiser if organiser is not None and is_organiser(event, organiser) else \
            next(iter(staff), world["admin"])
        title, visibility, lines = plan["programme"]
        _add(host, event, None, title, visibility, lines)
        sessions = [s for s in event.sessions if s.kind not in NO_SLIDES_KINDS]
        # Leave the last session without slides, so the organisers' overview has someone to remind.
        for session, topic in zip(sessions[:-1] if len(sessions) > 1 else sessions, plan["sessions"], strict=False):
            speaker = session.speakers[0].user if session.speakers else host
            _add(speaker, event, session, f"Slides: {session.title}", MaterialVisibility.PARTICIPANTS,
                 [session.title, topic, event.title, f"Presented by {speaker.name}"])
    db.session.flush()
