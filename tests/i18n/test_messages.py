"""Nothing a person reads is left outside a translatable message.

Two static checks, so a new page or mail cannot slip English prose past the translators: the
templates (pages and mails) have no words outside ``_()``/``{% trans %}``, and the Python code passes
no bare string to the places whose text people read (flash, refusals, error pages, form labels,
validation messages).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Names and formats that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"Dialogue", "CSV", "XLSX"}
# Attributes whose text people read (or hear).
READ_ATTRIBUTES = re.compile(r'\b(?:title|alt|placeholder|aria-label)="([^"]*)"')


def prose_outside_messages(source: str, html: bool) -> list[tuple[int, str]]:
    def blank(match: re.Match) -> str:  # keeps line numbers
        return "\n" * match.group(0).count("\n")

    source = re.sub(r"\{%-?\s*trans\b[\s\S]*?endtrans\s*-?\+?%\}", blank, source)
    source = re.sub(r"\{#[\s\S]*?#\}", blank, source)
    source = re.sub(r"\{\{[\s\S]*?\}\}", lambda m: " " + blank(m), source)
    source = re.sub(r"\{%[\s\S]*?%\}", lambda m: " " + blank(m), source)
    found = []
    if html:
        for match in READ_ATTRIBUTES.finditer(source):
            if re.search(r"[A-Za-z]{2}", match.group(1)):
                found.append((source[:match.start()].count("\n") + 1, match.group(0)))
        source = re.sub(r"<[^>]*>", lambda m: " " + blank(m), source)
        source = re.sub(r"&[a-z]+;|&#\d+;", " ", source)
    source = re.sub(r"#[\w-]+", " ", source)  # a link's fragment, as in {{ url }}#questions
    for number, line in enumerate(source.split("\n"), 1):
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", line) if w not in SAME_IN_EVERY_LANGUAGE]
        if words:
            found.append((number, " ".join(line.split())))
    return found


def test_templates_have_no_prose_outside_messages():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            problems += [f"{path.relative_to(ROOT)}:{n}: {text}"
                         for n, text in prose_outside_messages(path.read_text(), html=path.suffix == ".html")]
    assert not problems, "English outside a message:\n" + "\n".join(problems)


def test_the_check_finds_prose():
    assert prose_outside_messages("<p>Hello {{ name }}</p>", html=True) == [(1, "Hello")]
    assert prose_outside_messages('<a title="Close" href="#">{{ _("Open") }}</a>', html=True) == \
        [(1, 'title="Close"')]
    assert prose_outside_messages("{{ _('Hi') }}\n{% trans %}Bye{% endtrans %}\nDialogue · CSV\n{{ url }}#questions",
                                  html=False) == []


GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
REFUSALS = {"DialogueError", "NotAllowed", "NotFound", "Conflict", "InvalidLink", "ValidationError", "StopValidation"}
FIELD = re.compile(r"^[A-Z]\w*(Field)$")
VALIDATORS = {"DataRequired", "InputRequired", "Length", "NumberRange", "Email", "Regexp", "EqualTo", "URL",
              "AnyOf", "NoneOf", "FileAllowed", "FileRequired", "FileSize"}
# Command-line tools and demo data speak English to the operator; the JSON API is English by design.
NOT_FOR_PEOPLE = ("cli.py", "demo.py", "dialogue/api/", "dialogue/intents/cpv.py", "dialogue/translations/")


def _name(node) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _bare_strings(node):
    """String literals (and f-strings) in ``node`` that no gettext call wraps."""
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                                           and re.search(r"[A-Za-z]{2,} [A-Za-z]", node.value)):
        yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _bare_strings(child)


def untranslated_calls(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func) or ""
        keywords = {k.arg: k.value for k in node.keywords}
        if name == "flash" or name in REFUSALS:
            texts = node.args[:1] + [keywords[k] for k in ("message",) if k in keywords]
        elif name == "abort":
            texts = node.args[1:2] + [keywords[k] for k in ("description",) if k in keywords]
        elif FIELD.match(name):
            texts = node.args[:1] + [keywords[k] for k in ("label", "description") if k in keywords]
        elif name in VALIDATORS:
            texts = [keywords["message"]] if "message" in keywords else []
        else:
            continue
        found += [(s.lineno, ast.unparse(s)) for text in texts for s in _bare_strings(text)]
    return found


def test_python_passes_no_bare_text_to_what_people_read():
    problems = []
    for path in sorted((ROOT / "dialogue").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if any(part in relative for part in NOT_FOR_PEOPLE):
            continue
        problems += [f"{relative}:{n}: {text}" for n, text in untranslated_calls(path.read_text())]
    assert not problems, "wrap these in gettext/lazy_gettext:\n" + "\n".join(problems)


def test_the_python_check_finds_bare_text():
    source = '''
flash("Saved it.", "success")
flash(_("Saved it."), "success")
raise DialogueError(f"Use at least {n} characters.", field="password")
abort(403, "Only organisers can do this.")
name = StringField("Your name", validators=[DataRequired(message="Enter your name.")])
ok = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name."))])
'''
    assert [line for line, _text in untranslated_calls(source)] == [2, 4, 5, 6, 6]
