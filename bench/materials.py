"""Figures for the materials feature: receiving a 50 MB upload, and streaming a package ZIP.

    python3 bench/materials.py

Prints wall time, throughput and peak Python memory (tracemalloc) of each step; asserts nothing.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue.materials.package import Entry, stream_zip  # noqa: E402
from dialogue.materials.storage import LocalStorage  # noqa: E402

MB = 1024 * 1024


def measure(label: str, size: int, action) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<48} {elapsed:6.2f} s  {size / MB / elapsed:7.1f} MB/s  peak {peak / MB:6.1f} MB")


def main() -> None:
    with tempfile.TemporaryDirectory() as root:
        storage = LocalStorage(Path(root) / "materials")
        upload = os.urandom(50 * MB)

        def receive():
            staged = storage.receive(io.BytesIO(upload), 50 * MB)
            staged.keep()

        # The upload itself is already in memory here (as werkzeug's spooled file would be on disk):
        # the peak shows what receiving adds on top of it.
        measure("receive + hash + fsync + rename, 50 MB", len(upload), receive)

        files = []
        for n in range(10):
            path = Path(root) / f"deck-{n}.pdf"
            path.write_bytes(os.urandom(5 * MB))
            files.append(Entry(name=f"{n:02d} - Session - Deck.pdf", path=path, compressed=False))
        total = 50 * MB
        measure("package ZIP, 10 x 5 MB incompressible (level 6)", total,
                lambda: sum(len(chunk) for chunk in stream_zip(files)))
        compressed = [Entry(name=e.name.replace(".pdf", ".mp4"), path=e.path, compressed=True) for e in files]
        measure("package ZIP, 10 x 5 MB video (level 1)", total,
                lambda: sum(len(chunk) for chunk in stream_zip(compressed)))


if __name__ == "__main__":
    main()
