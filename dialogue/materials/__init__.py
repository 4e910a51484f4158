import os

from flask import Blueprint

bp = Blueprint("materials", __name__)


@bp.record_once
def _settings(state) -> None:
    """Feature settings, from the environment when set; an app's own config wins."""
    from dialogue.materials.filetypes import DEFAULT_ACCEPTED

    config = state.app.config
    config.setdefault("MATERIAL_TYPES", os.environ.get("MATERIAL_TYPES") or list(DEFAULT_ACCEPTED))
    config.setdefault("MATERIAL_PACKAGE_RATE_LIMIT", os.environ.get("MATERIAL_PACKAGE_RATE_LIMIT") or "20 per hour")


from dialogue.materials import routes, templating  # noqa: E402,F401
