from dialogue.materials import bp  # noqa: F401  (views come with the feature)
