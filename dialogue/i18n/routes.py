from dialogue.i18n import bp  # noqa: F401  (no views: catalogues and commands only)
