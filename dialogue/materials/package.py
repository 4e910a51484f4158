"""The material package: every file of an event a person may see, as one ZIP streamed as it is built.

Entries are named by session so the unpacked folder reads like the agenda:
``03 - Buyer presentations - Helsinki ICT plan.pdf``. Links go into one ``Links.txt``.
The ZIP is written to a small buffer that is emptied after every chunk, so memory stays at about
one chunk however large the package is; nothing touches the database once streaming starts.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO, Callable, Iterator
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from dialogue.materials.filetypes import FILE_TYPES
from dialogue.materials.listing import Group, Listing
from dialogue.models import Material

CHUNK_SIZE = 64 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class Entry:
    name: str
    source: Callable[[], BinaryIO] | None = None  # opens a stored file
    sha256: str | None = None  # which one
    data: bytes | None = None  # or small generated content
    compressed: bool = False
    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)


def _part(text: str, limit: int = 80) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".")
    return text[:limit].rstrip() or "untitled"


def _prefix(group: Group, width: int) -> str:
    if group.session is not None:
        return f"{group.number:0{width}d} - {_part(group.title)}"
    if group.intent is not None:
        return f"{_('Planned tenders')} - {_part(group.title)}"
    return f"{0:0{width}d} - {_('General')}"


def entries(listing: Listing, storage, session_count: int, zone: str) -> tuple[list[Entry], list[Material]]:
    """The ZIP's entries and the items whose files it holds (for the download counts).

    ZIP times have no zone: each file carries its upload time on the event's clock.
    """
    width = max(2, len(str(session_count)))
    result: list[Entry] = []
    included: list[Material] = []
    links: list[str] = []
    used: set[str] = set()
    for group in listing.groups:
        prefix = _prefix(group, width)
        for material in group.items:
            version = material.current
            if version is None:
                continue
            if version.is_link:
                links.append(f"{prefix} - {material.title}\n    {version.link_url}\n")
                continue
            extension = version.extension or "bin"
            stem = f"{prefix} - {_part(material.title)}"
            name = f"{stem}.{extension}"
            n = 2
            while name.lower() in used:
                name = f"{stem} ({n}).{extension}"
                n += 1
            used.add(name.lower())
            file_type = FILE_TYPES.get(extension)
            stamp = version.created_at.astimezone(ZoneInfo(zone)).timetuple()[:6]
            result.append(Entry(name=name, source=partial(storage.open, version.sha256), sha256=version.sha256,
                                compressed=file_type.compressed if file_type else False,
                                date_time=max(stamp, (1980, 1, 1, 0, 0, 0))))
            included.append(material)
    if links:
        text = _("Links shared at the event") + "\n\n" + "\n".join(links)
        latest = max((e.date_time for e in result), default=(1980, 1, 1, 0, 0, 0))
        result.append(Entry(name="Links.txt", data=text.replace("\n", "\r\n").encode("utf-8"), date_time=latest))
    return result, included


class _Sink:
    """A write-only, unseekable file for ZipFile; what is written waits here until it is yielded."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _set_level(info: zipfile.ZipInfo, level: int) -> None:
    if hasattr(zipfile.ZipInfo, "compress_level"):  # Python 3.13+
        info.compress_level = level
    else:
        info._compresslevel = level


def stream_zip(items: list[Entry]) -> Iterator[bytes]:
    """Yield the bytes of a ZIP holding ``items``, one chunk at a time.

    ZipFile notices the sink cannot seek and writes sizes and checksums after each entry's data
    (data descriptors), which every unzip tool reads from the central directory at the end.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for item in items:
            info = zipfile.ZipInfo(item.name, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Already-compressed formats gain nothing from a thorough pass; level 1 keeps CPU low.
            _set_level(info, 1 if item.compressed else 6)
            info.external_attr = 0o644 << 16
            with archive.open(info, mode="w", force_zip64=True) as out:
                if item.data is not None:
                    out.write(item.data)
                else:
                    with item.source() as source:
                        while chunk := source.read(CHUNK_SIZE):
                            out.write(chunk)
                            if sink.parts:
                                yield sink.drain()
            if sink.parts:
                yield sink.drain()
    if sink.parts:
        yield sink.drain()
