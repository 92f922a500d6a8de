"""Chinese first, with an English translation complete enough that switching the language never
shows a broken or half-Chinese page."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from staff.roles import Role
from tests.factories import BranchFactory, staff_user

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def po_entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every entry of the English .po file."""
    entries, current, fuzzy, field = [], {}, False, None
    for line in (CATALOGUE / "django.po").read_text().splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            field, _, literal = line.partition(" ")
            field = field.removesuffix("[0]")  # a plural entry: check its singular form
            current[field] = ast.literal_eval(literal)
        elif line.startswith(("msgid_plural ", "msgstr[")):
            field = None
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            entries.append((current.get("msgid", ""), current.get("msgstr", ""), fuzzy))
            current, fuzzy, field = {}, False, None
    return entries


def test_chinese_is_the_default_language_and_shanghai_the_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = [entry for entry in po_entries() if entry[0]]  # skip the header
    assert entries
    assert [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []
    assert [msgid for msgid, msgstr, _ in entries if CJK.search(msgstr)] == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for msgid, msgstr, _ in po_entries():
        if msgid:
            assert translations.gettext(msgid) == msgstr, "run `make messages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path"),
    [
        (None, "/staff/login/"),
        (Role.REVIEWER, "/staff/"),
        (Role.REVIEWER, "/console/review/"),
        (Role.REVIEWER, "/console/witness/"),  # the 403 page
        (Role.WITNESS_AGENT, "/console/witness/"),
        (None, "/no-such-page/"),  # the 404 page
        (None, "/signing/verify/"),
    ],
)
def test_pages_in_english_show_no_chinese_ui_text(client, role, path):
    if role is not None:
        client.force_login(staff_user("someone", role, BranchFactory(name="Branch A")))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="en">' in page
    company = "示例期货"  # CMS data, not UI text
    assert CJK.findall(page.replace(company, "").replace("简体中文", "")) == []


SOURCE_FOLDERS = ["platform", "flows", "content", "signing", "video", "revisit", "themes"]


def _untranslated_business_errors(path: Path) -> list[str]:
    """Each `BusinessError(...)` whose message is a bare string rather than a gettext call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "BusinessError"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    return found


def test_every_business_error_message_is_marked_for_translation():
    # given: the business errors of every app, which the pages, consoles and API show as they are
    sources = [
        path
        for folder in SOURCE_FOLDERS
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]

    # when
    bare = [place for path in sources for place in _untranslated_business_errors(path)]

    # then
    assert bare == []
