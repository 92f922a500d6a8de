"""The admin as a browser draws it, after its JavaScript ran (the sidebar, StreamField's block
menu, the table editor, autosave and "unsaved changes" notices): in Chinese, with no language
pack missing. The same screens without JavaScript are walked in tests/content."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.content.test_admin_in_chinese import english_in

# Every visible text, and the labels a screen reader says, of the page as drawn.
VISIBLE_TEXTS = """() => {
  const texts = [document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],img[alt]')) {
    if (!el.checkVisibility || el.checkVisibility()) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        if (el.getAttribute(name)) texts.push(el.getAttribute(name));
      }
    }
  }
  return texts.flatMap(text => text.split('\\n')).filter(line => line.trim());
}"""


def _english(page) -> list[str]:
    return english_in(page.evaluate(VISIBLE_TEXTS))


def _open(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def test_the_admin_drawn_by_its_javascript_is_in_chinese(page, watch, login_staff):
    seen = watch(page)
    console = []
    page.on("console", lambda message: console.append(message.text))
    login_staff(page, "admin", next_url="/cms/")

    problems = {}
    for path in (
        "/cms/",
        "/cms/guide/",
        "/cms/snippets/content/document/",
        "/cms/snippets/content/document/add/",
        "/cms/snippets/flows/flowdefinition/",
        "/cms/snippets/content/questionnaire/",
        "/cms/settings/themes/theme/1/",
    ):
        _open(page, path)
        if english := _english(page):
            problems[path] = english

    # the sidebar's menus, opened
    _open(page, "/cms/")
    page.get_by_role("button", name="开户配置").click()
    expect(page.get_by_role("link", name="业务流程")).to_be_visible()
    page.get_by_role("button", name="帮助").click()
    help_menu = page.get_by_role("list", name="帮助")
    expect(help_menu.get_by_role("link", name="管理员指南")).to_be_visible()
    if english := _english(page):
        problems["sidebar"] = english

    # a document's editor: StreamField's block menu and the table editor
    _open(page, "/cms/snippets/content/document/")
    page.get_by_role("link", name="期货经纪合同（增开交易编码补充协议）").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".handsontable").first).to_be_attached()  # the contract has a table
    page.get_by_role("button", name="插入内容块").first.click()
    if english := _english(page):
        problems["document editor"] = english

    assert not problems, "\n".join(f"{where}: {texts}" for where, texts in problems.items())
    assert not [text for text in console if "zh-hans" in text.lower()], console
    assert not seen.page_errors, seen.page_errors


def _questionnaire_editor(page, kind_label: str) -> None:
    _open(page, "/cms/snippets/content/questionnaire/")
    row = page.get_by_role("row").filter(has_text=kind_label).first
    row.get_by_role("link").first.click()
    page.wait_for_load_state("networkidle")


def _visible(page, suffix: str) -> int:
    """Fields shown once their question is expanded (long questionnaires open collapsed)."""
    return page.evaluate(
        """suffix => Array.from(document.querySelectorAll(
            `input[name^="questions-"][name$="${suffix}"]`
        )).filter(input => !input.closest('[data-field-wrapper]').hidden).length""",
        suffix,
    )


def test_a_questionnaire_shows_only_the_fields_of_its_kind(page, login_staff):
    login_staff(page, "admin", next_url="/cms/")
    # the suitability assessment: scores, no reviewer alerts
    _questionnaire_editor(page, "适当性评估问卷")
    assert _visible(page, "-score") > 0
    assert _visible(page, "-alert") == 0 and _visible(page, "-yes_alerts") == 0
    # the revisit: reviewer alerts, no scores
    _questionnaire_editor(page, "回访问卷")
    assert _visible(page, "-score") == 0
    assert _visible(page, "-alert") + _visible(page, "-yes_alerts") > 0
