"""Helpers for the intents tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, shared_data


def reference(relative: str) -> Path:
    """A file from ``shared/data`` beside the project, as ``shared_data`` finds it, or one level further up
    (a checkout in a folder of worktrees). Missing: skipped on a fresh clone, a failure in CI."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data" / relative
        if path.exists():
            return path
    return shared_data(relative)
