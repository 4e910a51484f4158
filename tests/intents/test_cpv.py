"""CPV codes: packaged ICT list, validation by format and membership, search, and the import command."""

import csv
import json

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.models import CpvCode
from tests.conftest import shared_data

DOMAIN_CODES = ["30200000-1", "30213000-5", "30213100-6", "30213200-7", "30213300-8", "30231000-7", "32250000-0",
                "48000000-8", "72000000-5", "50300000-8", "50320000-4", "51610000-1"]


def test_packaged_list_is_the_ict_part_of_the_official_one():
    codes = cpv.packaged_codes()
    assert 200 <= len(codes) <= 800
    assert set(DOMAIN_CODES) <= set(codes)
    assert all(cpv.CODE_RE.fullmatch(code) for code in codes)
    # Every code's parents up to the division are there, so a picker can walk the tree.
    for code in codes:
        digits = code[:8].rstrip("0")
        for n in range(2, len(digits)):
            parent = digits[:n].ljust(8, "0")
            assert any(c.startswith(parent + "-") for c in codes), (code, parent)
    official = json.loads(shared_data("cpv/cpv-2008-en.json").read_text())
    assert all(official[code] == label for code, label in codes.items())


def test_table_fills_from_the_package_on_first_use(app):
    assert db.session.scalar(select(func.count()).select_from(CpvCode)) == 0
    assert cpv.normalise_code("30213100-6") == "30213100-6"
    assert cpv.count() == len(cpv.packaged_codes())
    cpv.ensure_loaded()  # a second first use changes nothing
    assert cpv.count() == len(cpv.packaged_codes())


BAD_CODES = [
    ("", "Enter a CPV code"),
    ("3021310-6", "8 digits, a dash and a check digit"),
    ("30213100-66", "8 digits, a dash and a check digit"),
    ("laptops", "8 digits, a dash and a check digit"),
    ("30213100-9", "not in the CPV list"),        # right format, wrong check digit: not guessed, looked up
    ("03111100-3", "not in the CPV list"),        # a real code, but not loaded (only the ICT part is)
    ("99999999", "not in the CPV list"),
]


def test_bad_codes_are_refused_with_a_reason(app):
    for raw, message in BAD_CODES:
        with pytest.raises(DialogueError) as exc:
            cpv.normalise_code(raw, field="cpv_main")
        assert message in exc.value.message and exc.value.field == "cpv_main", raw


def test_eight_digits_are_completed_by_look_up_and_spaces_ignored(app):
    assert cpv.normalise_code("30213100") == "30213100-6"
    assert cpv.normalise_code(" 3225 0000-0 ") == "32250000-0"


@pytest.mark.parametrize("raw, prefix", [("30", "30"), ("302", "302"), ("30200000-1", "302"), ("30000000", "30"),
                                         ("30213100-6", "302131"), ("32250000", "3225")])
def test_prefixes_drop_the_trailing_zeros(raw, prefix):
    assert cpv.normalise_prefix(raw) == prefix


@pytest.mark.parametrize("raw", ["3", "abc", "30-", "302131009"])
def test_bad_prefixes(raw):
    with pytest.raises(DialogueError):
        cpv.normalise_prefix(raw)


def test_search_by_words_and_by_code(app):
    codes = [c.code for c in cpv.search("portable computers")[0]]
    assert "30213100-6" in codes
    codes = [c.code for c in cpv.search("Mobile TELEPHONES")[0]]
    assert codes[0] == "32250000-0"
    assert "32250000-0" in [c.code for c in cpv.search("smartphone")[0]]
    codes = [c.code for c in cpv.search("3021")[0]]
    assert codes and all(c.startswith("3021") for c in codes)
    assert cpv.search("100%_")[0] == []  # LIKE wildcards are taken literally
    page, more = cpv.search("software", limit=5)
    assert len(page) == 5 and more


def test_import_the_full_official_json(app, runner):
    path = shared_data("cpv/cpv-2008-en.json")
    result = runner.invoke(args=["cpv", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 9457 codes" in result.output
    assert cpv.count() == 9457
    assert cpv.normalise_code("03111100-3") == "03111100-3"  # now known
    assert db.session.get(CpvCode, "03111100-3").label == "Soya beans"


def test_import_the_eu_csv_and_xlsx_layouts(app, runner, tmp_path):
    import openpyxl

    rows = [["CODE", "BG", "EN", "FI"], ["30213100-6", "Портативни компютри", "Portable computers", "Kannettavat"],
            ["03111100-3", "Соя", "Soya beans", "Soijapavut"], ["bad", "x", "Broken row", "x"]]
    csv_path = tmp_path / "cpv.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    result = runner.invoke(args=["cpv", "import", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 codes" in result.output and "Skipped 1 rows" in result.output and "rows 4" in result.output
    assert db.session.get(CpvCode, "03111100-3").label == "Soya beans"

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    xlsx_path = tmp_path / "cpv.xlsx"
    book.save(xlsx_path)
    result = runner.invoke(args=["cpv", "import", str(xlsx_path), "--language", "FI"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(CpvCode, "03111100-3").label == "Soijapavut"


UNREADABLE = [
    ("cpv.json", "{not json", "not valid JSON"),
    ("cpv.json", "[1, 2]", "no valid CPV codes"),
    ("cpv.csv", "CODE;EN\nabc;def\n", "no valid CPV codes"),
    ("cpv.csv", "NAME;EN\n30213100-6;x\n", "no CODE column"),
    ("cpv.txt", "30213100-6 Portable", "use a .json, .csv or .xlsx"),
    ("cpv.xlsx", "not a zip", "not a readable XLSX"),
]


def test_import_refuses_unreadable_files(app, runner, tmp_path):
    for name, content, message in UNREADABLE:
        path = tmp_path / name
        path.write_text(content)
        result = runner.invoke(args=["cpv", "import", str(path)])
        assert result.exit_code != 0 and message in result.output, (name, content, result.output)
    assert cpv.count() == 0


def test_import_without_a_file_loads_the_packaged_codes(app, runner):
    result = runner.invoke(args=["cpv", "import"])
    assert result.exit_code == 0, result.output
    assert cpv.count() == len(cpv.packaged_codes())


def test_search_page_works_without_javascript_and_json_for_the_enhancement(client):
    html = client.get("/cpv?q=tablet").get_data(as_text=True)
    assert "30213200-7" in html and "Tablet computer" in html
    assert 'href="/intents?cpv=30213200-7"' in html
    assert "30000000-9" in client.get("/cpv").get_data(as_text=True)  # divisions when nothing is searched
    data = client.get("/cpv.json?q=laptop").get_json()  # everyday word for "Portable computers"
    assert {"code": "30213100-6", "label": "Portable computers"} in data["results"]
    assert client.get("/cpv.json?q=3").get_json() == {"results": []}
