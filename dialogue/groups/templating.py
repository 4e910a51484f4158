"""What the planned tender's page and its consultation record ask of the groups feature, through included
partials: how each adopted criterion stands against its library."""

from __future__ import annotations

from dialogue.groups import adoption, bp, library


@bp.app_template_global()
def harmonised_criterion(row):
    return adoption.harmonised(row)


@bp.app_template_global()
def harmonised_kind_label(kind) -> str:
    return library.kind_label(kind)
