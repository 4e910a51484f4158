"""Translations: English is the source; Finnish, Swedish, Danish and Norwegian Bokmål catalogues ship
compiled in the package.

``flask --app wsgi translations update`` extracts every message from the code and templates and
merges it into the catalogues; ``translations compile`` writes the .mo files the app loads.
"""

# Each language named in itself, never translated: a reader looks for the name they can read.
LANGUAGE_NAMES = {"en": "English", "fi": "Suomi", "sv": "Svenska", "da": "Dansk", "nb": "Norsk bokmål"}
