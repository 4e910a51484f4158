"""``flask cpv import`` for the official CPV list and ``flask export ocds`` for open data (in the export group)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from dialogue.exports.cli import export_cli
from dialogue.extensions import db

cpv_group = AppGroup("cpv", help="The Common Procurement Vocabulary codes Dialogue validates against.")


@cpv_group.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", default="EN", show_default=True,
              help="Label column to read from the EU's CSV/XLSX files (one column per language).")
def cpv_import(file: Path | None, language: str) -> None:
    """Load CPV codes from FILE (JSON code -> label, or the EU's CSV/XLSX).

    Without FILE, load the ICT codes shipped with Dialogue. Codes already known get the new label.
    """
    from dialogue.intents import cpv

    if file is None:
        count = cpv.store_codes(cpv.packaged_codes())
        db.session.commit()
        click.echo(f"Loaded {count} ICT codes shipped with Dialogue; {cpv.count()} codes known.")
        return
    try:
        result = cpv.read_codes(file, language=language)
    except cpv.CpvFileError as exc:
        raise click.ClickException(exc.message) from None
    count = cpv.store_codes(result.codes)
    db.session.commit()
    click.echo(f"Imported {count} codes from {file.name}; {cpv.count()} codes known.")
    if result.rejected_rows:
        shown = ", ".join(map(str, result.rejected_rows[:10]))
        more = f" and {len(result.rejected_rows) - 10} more" if len(result.rejected_rows) > 10 else ""
        click.echo(f"Skipped {len(result.rejected_rows)} rows without a valid code and label (rows {shown}{more}).",
                   err=True)


@export_cli.command("ocds")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the release package ('-' for standard output).")
def export_ocds(output: Path) -> None:
    """Write every announced intent as an OCDS 1.1.5 release package."""
    from dialogue.intents import ocds

    intents = ocds.load(ocds.announced_intent_ids())
    data = json.dumps(ocds.package(intents), ensure_ascii=False, indent=2)
    if str(output) == "-":
        click.echo(data)
        return
    output.write_text(data + "\n", encoding="utf-8")
    click.echo(f"Wrote {len(intents)} releases to {output}.", err=True)


commands = [cpv_group]  # "export ocds" joins the export group of dialogue.exports
