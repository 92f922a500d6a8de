"""Step 2, 个人基本资料, through the investor's URLs: the identity on file read only, every required
answer checked against its choices, the details some answers call for, the contact details; and
the suitability assessment first when the client's class is missing or expired."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings

from clients.models import Client
from common.exceptions import BusinessError
from flows.models import Application, StepRecord, SuitabilityAssessment
from flows.steps.basic_info.data import basic_info_values
from flows.steps.basic_info.suitability import (
    china_today,
    suitability_assessment_record,
    suitability_questionnaire,
)
from tests.factories import ClientFactory, fake_id_number, published_flow, published_questionnaire
from tests.flows.step_client import post_step

pytestmark = pytest.mark.django_db

TODAY = china_today()
NEXT_YEAR = TODAY + datetime.timedelta(days=365)

VALID = {
    "stage": "form",
    "tax_residency": "china_only",
    "pep_relation": "none",
    "investment_horizon": "1y_to_5y",
    "expected_return": "steady",
    "controller": "none",
    "beneficial_owner": "self",
    "products": ["futures_options"],
    "bad_credit": ["none"],
    "contact_address": "北京市东城区测试路 1 号",
    "postal_code": "100010",
    "email": "",
}

# Q1 single (1 / 5 / 10 points), Q2 multiple (2 / 3 points): totals 3..15.
QUESTIONS = [
    (
        "question",
        {
            "text": "您的投资经验：",
            "kind": "single",
            "required": True,
            "options": [
                {"label": "无经验", "score": 1, "alert": False},
                {"label": "1-3 年", "score": 5, "alert": False},
                {"label": "3 年以上", "score": 10, "alert": False},
            ],
            "yes_alerts": False,
            "no_alerts": False,
        },
    ),
    (
        "question",
        {
            "text": "您投资过的品种：",
            "kind": "multiple",
            "required": True,
            "options": [
                {"label": "股票", "score": 2, "alert": False},
                {"label": "期货", "score": 3, "alert": False},
            ],
            "yes_alerts": False,
            "no_alerts": False,
        },
    ),
]
BANDS = [
    {"min_score": 0, "max_score": 5, "suitability_class": "C1"},
    {"min_score": 6, "max_score": 8, "suitability_class": "C2"},
    {"min_score": 9, "max_score": 11, "suitability_class": "C3"},
    {"min_score": 12, "max_score": 13, "suitability_class": "C4"},
    {"min_score": 14, "max_score": 15, "suitability_class": "C5"},
]
C3_ANSWERS = {"stage": "assessment", "q0": "1", "q1": ["0", "1"]}  # 5 + 2 + 3 = 10


@pytest.fixture
def questionnaire():
    return published_questionnaire("suitability", questions=QUESTIONS, bands=BANDS)


@pytest.fixture
def flow(questionnaire):
    return published_flow(
        [("basic_info", {"suitability_questionnaire": questionnaire}), ("exchanges", {})]
    )


def log_in(client, **fields):
    from clients.auth import SESSION_KEY

    fields.setdefault("suitability_expires", NEXT_YEAR)
    investor = ClientFactory(**fields)
    session = client.session
    session[SESSION_KEY] = investor.pk
    session.save()
    return investor


def start(client):
    client.get("/business/enter/")
    application = Application.objects.get()
    return application, f"/business/{application.acceptance_number}/basic_info/"


def submit(client, url, data=None, **changes):
    """Post the step as the page shown just before would (its token, its questionnaire
    revision), with `data` (or a valid answer sheet) and `changes`; None leaves a field out."""
    page = client.get(url).content.decode()
    shown = {"step_token": re.search(r'name="step_token" value="([^"]+)"', page)[1]}
    if revision := re.search(r'name="revision" value="(\d+)"', page):
        shown["revision"] = revision[1]
    data = {**shown, **(VALID if data is None else data), **changes}
    return post_step(client, url, {key: value for key, value in data.items() if value is not None})


def record_of(application):
    return StepRecord.objects.filter(application=application, kind="basic_info").first()


def field_error(response, field):
    """The inline error of a field (the one its input points at with aria-describedby)."""
    match = re.search(rf'id="id_{field}-error">([^<]*)<', response.content.decode())
    return match[1] if match else None


# --- the identity on file --------------------------------------------------------------------


def test_the_identity_on_file_is_shown_read_only_and_masked(client, flow):
    # given a client on file with a long-term ID
    investor = log_in(
        client,
        name="李明",
        id_address="北京市东城区某街道 8 号",
        phone="010-66668888",
        mobile="13800138001",
        education="硕士及以上",
        occupation="安全保卫和消防人员",
        id_valid_from=datetime.date(2016, 5, 1),
        id_valid_until=None,
    )
    _, url = start(client)
    # when the step is shown
    page = client.get(url).content.decode()
    # then every field is there, the ID number and mobile masked, and none is editable
    for text in (
        "李明",
        "北京市东城区某街道 8 号",
        "010-66668888",
        "硕士及以上",
        "安全保卫和消防人员",
        "2016.05.01 - 长期",
        "138****8001",
        f"{investor.id_number[:6]}********{investor.id_number[-4:]}",
        "如信息有误，请到营业部临柜办理变更。",
    ):
        assert text in page
    assert investor.id_number not in page and "13800138001" not in page
    assert 'name="name"' not in page and 'name="id_number"' not in page


def test_a_posted_change_of_the_identity_is_ignored(client, flow):
    investor = log_in(client, name="李明")
    application, url = start(client)
    submit(client, url, name="王五", id_number=fake_id_number(), mobile="13900000001")
    investor.refresh_from_db()
    assert (investor.name, investor.mobile) == ("李明", "13900000000")
    assert "name" not in basic_info_values(record_of(application).data)


# --- required answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("tax_residency", "请选择您的税收居民身份。"),
        ("pep_relation", "请选择您的政要人物关系。"),
        ("investment_horizon", "请选择您的投资期限。"),
        ("expected_return", "请选择您的期望收益。"),
        ("controller", "请选择您的账户是否存在实际控制关系。"),
        ("beneficial_owner", "请选择您的账户交易实际受益人。"),
        ("products", "请选择您想投资的品种（至少一项）。"),
        ("bad_credit", "请选择您的不良诚信记录情况，没有请选择“无”。"),
        ("contact_address", "请填写联系地址。"),
        ("postal_code", "请填写邮政编码。"),
    ],
)
def test_each_required_answer_missing_is_refused_with_its_message(client, flow, field, message):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, **{field: None})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert record_of(application) is None  # nothing stored half-way


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_residency", "mars"),
        ("pep_relation", "仅为中国税收居民"),  # a label, not a code
        ("investment_horizon", "10y"),
        ("expected_return", "reckless"),
        ("controller", "maybe"),
        ("beneficial_owner", "company"),
        ("products", ["futures_options", "crypto"]),
        ("bad_credit", ["interpol"]),
    ],
)
def test_an_answer_outside_the_choices_is_refused(client, flow, field, value):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, **{field: value})
    assert response.status_code == 400
    assert field_error(response, field) == "请从选项中选择。"
    assert record_of(application) is None


def test_none_excludes_every_other_bad_credit_source(client, flow):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, bad_credit=["none", "tax_authority"])
    assert field_error(response, "bad_credit") == "选择“无”时不能同时选择其他不良诚信记录。"
    assert record_of(application) is None


def test_several_bad_credit_sources_may_be_declared(client, flow):
    log_in(client)
    application, url = start(client)
    submit(client, url, bad_credit=["pboc_credit_centre", "futures_firm_default"])
    assert record_of(application).data["answers"]["bad_credit"] == [
        "pboc_credit_centre",
        "futures_firm_default",
    ]


# --- details an answer calls for ------------------------------------------------------------

DETAILS = {
    "controller": ("exists", "controller", "实际控制人"),
    "beneficial_owner": ("other", "owner", "实际受益人"),
}


@pytest.mark.parametrize("answer", DETAILS)
def test_details_are_required_when_a_controller_or_another_owner_exists(client, flow, answer):
    value, prefix, who = DETAILS[answer]
    log_in(client)
    application, url = start(client)
    response = submit(client, url, **{answer: value})
    assert field_error(response, f"{prefix}_name") == f"请填写{who}姓名。"
    assert field_error(response, f"{prefix}_id_number") == f"请填写{who}身份证号码。"
    assert field_error(response, f"{prefix}_relation") == f"请填写{who}与您的关系。"
    assert record_of(application) is None


@pytest.mark.parametrize("answer", DETAILS)
@pytest.mark.parametrize("id_number", ["110101199001010010", "11010119900101001", "ABC"])
def test_the_id_number_in_the_details_must_pass_its_checksum(client, flow, answer, id_number):
    value, prefix, _ = DETAILS[answer]
    log_in(client)
    application, url = start(client)
    fields = {
        answer: value,
        f"{prefix}_name": "张三",
        f"{prefix}_id_number": id_number,
        f"{prefix}_relation": "配偶",
    }
    response = submit(client, url, **fields)
    assert field_error(response, f"{prefix}_id_number") == "身份证号码不正确，请核对后重新填写。"
    assert record_of(application) is None


@pytest.mark.parametrize("answer", DETAILS)
def test_valid_details_are_stored_encrypted(client, flow, answer):
    value, prefix, _ = DETAILS[answer]
    log_in(client)
    application, url = start(client)
    other = fake_id_number()
    response = submit(
        client,
        url,
        **{
            answer: value,
            f"{prefix}_name": "张三",
            f"{prefix}_id_number": other.lower(),
            f"{prefix}_relation": "配偶",
        },
    )
    assert response.status_code == 302
    record = record_of(application)
    assert record.is_complete
    values = basic_info_values(record.data)
    assert (values[answer], values[f"{prefix}_name"], values[f"{prefix}_id_number"]) == (
        value,
        "张三",
        other,
    )
    assert other not in str(record.data) and "张三" not in str(record.data)


def test_the_investor_cannot_name_themself_as_the_actual_controller(client, flow):
    investor = log_in(client)
    application, url = start(client)
    response = submit(
        client,
        url,
        controller="exists",
        controller_name="测试客户",
        controller_id_number=investor.id_number,
        controller_relation="本人",
    )
    assert "实际控制人不能是您本人" in field_error(response, "controller_id_number")


def test_details_of_an_answer_not_given_are_dropped(client, flow):
    log_in(client)
    application, url = start(client)
    submit(client, url, controller="none", controller_name="张三")
    assert basic_info_values(record_of(application).data)["controller_name"] == ""


def test_several_products_are_allowed_and_other_needs_a_description(client, flow):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, products=["futures_options", "asset_management", "other"])
    assert field_error(response, "products_other") == "选择“其他”时请说明想投资的品种。"
    submit(
        client,
        url,
        products=["futures_options", "asset_management", "other"],
        products_other="场外衍生品",
    )
    answers = record_of(application).data["answers"]
    assert answers["products"] == ["futures_options", "asset_management", "other"]
    assert answers["products_other"] == "场外衍生品"


# --- contact details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postal_code",
    [
        "10001",
        "1000100",
        "10001a",
        "ABCDEF",
        "100 010",
        "٣٣٣٣٣٣",  # Arabic-Indic digits
    ],
)
def test_a_postal_code_that_is_not_six_digits_is_refused(client, flow, postal_code):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, postal_code=postal_code)
    assert field_error(response, "postal_code") == "邮政编码为 6 位数字。"
    assert record_of(application) is None


def test_a_postal_code_typed_with_full_width_digits_is_accepted(client, flow):
    log_in(client)
    application, url = start(client)
    assert submit(client, url, postal_code="１０００１０").status_code == 302
    assert basic_info_values(record_of(application).data)["postal_code"] == "100010"


def test_an_invalid_email_is_refused_and_an_empty_one_accepted(client, flow):
    log_in(client)
    application, url = start(client)
    response = submit(client, url, email="someone@")
    assert field_error(response, "email") == "电子邮箱格式不正确，请核对。"
    assert submit(client, url, email="").status_code == 302


def test_a_contact_address_longer_than_200_characters_is_refused(client, flow):
    log_in(client)
    _, url = start(client)
    response = submit(client, url, contact_address="长" * 201)
    assert field_error(response, "contact_address") == "联系地址不能超过 200 个字。"


def test_an_error_is_tied_to_its_field_for_assistive_technology(client, flow):
    log_in(client)
    _, url = start(client)
    page = submit(client, url, postal_code="123", tax_residency=None).content.decode()
    assert 'aria-describedby="id_postal_code-error"' in page
    assert 'aria-describedby="id_tax_residency-error"' in page
    assert "<legend>" in page and "<fieldset" in page


# --- stored, and shown again ------------------------------------------------------------------


def test_answers_are_stored_as_codes_and_shown_again_after_reload(client, flow):
    log_in(client)
    application, url = start(client)
    submit(client, url, email="li@example.com", tax_residency="both")
    record = record_of(application)
    assert record.data["answers"]["tax_residency"] == "both"
    assert "北京市东城区" not in str(record.data)  # personal details are encrypted
    page = client.get(url).content.decode()  # the back button, a reload, a typed URL
    assert re.search(r'<input type="radio" name="tax_residency" value="both"[^>]*checked', page)
    assert 'value="北京市东城区测试路 1 号"' in page and 'value="li@example.com"' in page


def test_after_giving_up_a_new_business_offers_the_last_answers_to_confirm(client, flow):
    # given a business whose basic information was answered, then given up
    log_in(client)
    first, url = start(client)
    submit(
        client,
        url,
        email="li@example.com",
        tax_residency="both",
        products=["futures_options", "asset_management"],
    )
    client.post(f"/business/{first.acceptance_number}/abandon/")
    assert Application.objects.get(pk=first.pk).state == "abandoned"

    # when the investor starts again
    client.get("/business/enter/")
    second = Application.objects.exclude(pk=first.pk).get()
    page = client.get(f"/business/{second.acceptance_number}/basic_info/").content.decode()

    # then the form shows the last answers and details, and nothing is recorded until confirmed
    assert re.search(r'<input type="radio" name="tax_residency" value="both"[^>]*checked', page)
    assert re.search(r'name="products" value="asset_management"[^>]*checked', page)
    assert 'value="北京市东城区测试路 1 号"' in page and 'value="li@example.com"' in page
    assert record_of(second) is None or not (record_of(second).data or {}).get("answers")


def test_a_new_business_of_another_client_starts_with_an_empty_form(client, flow):
    # given another client's answered business
    log_in(client)
    _, url = start(client)
    submit(client, url, email="li@example.com")
    client.logout()

    # when a second client starts
    second = log_in(client)
    client.get("/business/enter/")
    application = Application.objects.get(client=second)
    page = client.get(f"/business/{application.acceptance_number}/basic_info/").content.decode()

    # then nothing of the first is shown
    assert "li@example.com" not in page and "北京市东城区测试路" not in page
    assert not re.search(r'name="tax_residency" value="\w+"[^>]*checked', page)


def test_an_error_in_the_summary_names_and_links_its_question(client, flow):
    log_in(client)
    _, url = start(client)
    page = submit(client, url, postal_code="1").content.decode()
    assert re.search(
        r'<li><a href="#field-postal_code">邮政编码</a>：邮政编码为 6 位数字。</li>', page
    )


def test_previous_step_from_the_next_step_keeps_what_was_entered(client, flow):
    log_in(client)
    application, url = start(client)
    submit(client, url)
    back = client.post(f"/business/{application.acceptance_number}/exchanges/previous/")
    assert back.url == url
    page = client.get(url).content.decode()
    assert 'value="100010"' in page


def test_confirming_unchanged_answers_again_does_not_reopen_later_steps(client, flow):
    log_in(client)
    application, url = start(client)
    submit(client, url)
    data = record_of(application).data
    submit(client, url)
    assert record_of(application).data == data


# --- the suitability assessment -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("suitability_class", "expires"),
    [
        ("", NEXT_YEAR),
        ("C3", None),
        ("C3", TODAY - datetime.timedelta(days=1)),
    ],
)
def test_missing_or_expired_suitability_asks_for_the_assessment_first(
    client, flow, suitability_class, expires
):
    log_in(client, suitability_class=suitability_class, suitability_expires=expires)
    _, url = start(client)
    page = client.get(url).content.decode()
    assert "您的适当性信息缺失或已过期" in page and "您的投资经验：" in page
    assert 'name="tax_residency"' not in page


@pytest.mark.parametrize("investor_type", ["ordinary", "professional"])
def test_suitability_valid_until_today_needs_no_assessment(client, flow, investor_type):
    log_in(client, suitability_expires=TODAY, investor_type=investor_type)
    _, url = start(client)
    page = client.get(url).content.decode()
    assert 'name="tax_residency"' in page and "您的投资经验：" not in page


def test_a_professional_investor_with_expired_suitability_is_assessed_too(client, flow):
    log_in(client, investor_type="professional", suitability_expires=None)
    _, url = start(client)
    assert "您的投资经验：" in client.get(url).content.decode()


@pytest.mark.parametrize("stage", ["form", "result", "bogus", None])
def test_a_post_skipping_the_assessment_is_refused(client, flow, stage):
    # given an investor whose assessment is due
    investor = log_in(client, suitability_class="", suitability_expires=None)
    application, url = start(client)
    # when a forged post claims a later stage (or none)
    response = submit(client, url, stage=stage)
    # then it is refused and nothing moves on
    assert response.status_code == 400
    assert "请先完成适当性评估。" in response.content.decode()
    assert record_of(application) is None
    investor.refresh_from_db()
    assert investor.suitability_class == ""


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"q0": "1"}, "q1", "请回答第 2 题。"),
        ({"q1": ["0"]}, "q0", "请回答第 1 题。"),
        ({"q0": "7", "q1": ["0"]}, "q0", "请从选项中选择。"),
        ({"q0": "-1", "q1": ["0"]}, "q0", "请从选项中选择。"),
        ({"q0": "1", "q1": ["0", "5"]}, "q1", "请从选项中选择。"),
    ],
)
def test_a_partial_or_forged_assessment_is_refused(client, flow, answers, field, message):
    investor = log_in(client, suitability_expires=None)
    application, url = start(client)
    response = submit(client, url, {"stage": "assessment", **answers})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert not SuitabilityAssessment.objects.exists()
    investor.refresh_from_db()
    assert investor.suitability_expires is None


@override_settings(SUITABILITY_VALID_DAYS=730)
def test_the_assessment_is_recorded_the_client_updated_and_the_result_shown(
    client, flow, questionnaire
):
    # given an investor whose suitability expired
    investor = log_in(
        client, suitability_class="C1", suitability_expires=TODAY - datetime.timedelta(days=30)
    )
    application, url = start(client)
    # when they answer the assessment
    response = submit(client, url, C3_ANSWERS)
    # then the result is shown
    assert response.status_code == 200
    assert "您的风险承受能力评估结果为 C3（稳健型）" in response.content.decode()
    # and recorded with the questionnaire revision and content hash
    assessment = SuitabilityAssessment.objects.get()
    questionnaire.refresh_from_db()
    assert (assessment.client, assessment.application) == (investor, application)
    assert assessment.revision_id == questionnaire.live_revision_id
    assert assessment.content_hash == questionnaire.content_hash()
    assert (assessment.answers, assessment.score, assessment.suitability_class) == (
        {"0": 1, "1": [0, 1]},
        10,
        "C3",
    )
    # and the client's class and expiry updated
    investor.refresh_from_db()
    assert (investor.suitability_class, investor.suitability_expires) == (
        "C3",
        TODAY + datetime.timedelta(days=730),
    )
    assert record_of(application).evidence["suitability"]["revision"] == assessment.revision_id


def test_after_the_assessment_reload_shows_the_result_then_the_form(client, flow):
    log_in(client, suitability_expires=None)
    application, url = start(client)
    submit(client, url, C3_ANSWERS)
    assert "您的风险承受能力评估结果为 C3（稳健型）" in client.get(url).content.decode()
    response = submit(client, url, {"stage": "result"})
    assert 'name="tax_residency"' in response.content.decode()
    assert 'name="tax_residency"' in client.get(url).content.decode()
    assert submit(client, url).status_code == 302
    assert record_of(application).is_complete


def test_the_form_cannot_skip_the_result(client, flow):
    log_in(client, suitability_expires=None)
    application, url = start(client)
    submit(client, url, C3_ANSWERS)
    response = submit(client, url)
    assert "请先确认适当性评估结果。" in response.content.decode()
    assert not record_of(application).is_complete


def test_the_assessment_posted_twice_is_recorded_once(client, flow):
    log_in(client, suitability_expires=None)
    _, url = start(client)
    page = client.get(url).content.decode()
    shown = {
        "step_token": re.search(r'name="step_token" value="([^"]+)"', page)[1],
        "revision": re.search(r'name="revision" value="(\d+)"', page)[1],
        **C3_ANSWERS,
    }
    post_step(client, url, shown)
    response = client.post(url, {**shown, "q0": "2"}, follow=True)
    assert SuitabilityAssessment.objects.count() == 1
    assert response.redirect_chain[-1] == (url, 302)  # the old page: back to where we are
    assert "C3（稳健型）" in response.content.decode()


def test_answers_to_an_outdated_questionnaire_are_not_scored(client, flow, questionnaire):
    log_in(client, suitability_expires=None)
    _, url = start(client)
    page = client.get(url).content.decode()
    shown_revision = re.search(r'name="revision" value="(\d+)"', page)[1]
    questionnaire.title = "新版问卷"
    questionnaire.save()
    questionnaire.save_revision().publish()
    response = submit(client, url, {**C3_ANSWERS, "revision": shown_revision})
    assert "评估问卷内容已更新，请重新作答。" in response.content.decode()
    assert "新版问卷" in response.content.decode()
    assert not SuitabilityAssessment.objects.exists()


def test_without_a_configured_questionnaire_the_live_suitability_one_is_used(client):
    published_questionnaire("suitability", questions=QUESTIONS, bands=BANDS)
    published_flow([("basic_info", {"suitability_questionnaire": None}), ("exchanges", {})])
    log_in(client, suitability_expires=None)
    _, url = start(client)
    assert "您的投资经验：" in client.get(url).content.decode()


def test_without_any_questionnaire_the_investor_is_told_to_call(client):
    published_flow([("basic_info", {"suitability_questionnaire": None}), ("exchanges", {})])
    log_in(client, suitability_expires=None)
    application, url = start(client)
    assert "适当性评估问卷暂未开放" in client.get(url).content.decode()
    response = submit(client, url, C3_ANSWERS)
    assert response.status_code == 400
    assert record_of(application) is None


@pytest.mark.parametrize("answers", [{0: 9, 1: [0]}, {0: 1}, {0: "1", 1: [0]}, {0: 1, 1: []}])
def test_the_service_refuses_a_forged_answer_sheet(flow, questionnaire, answers):
    investor = ClientFactory(suitability_expires=None)
    application = Application.objects.create(
        client=investor,
        acceptance_number="1300010000000001",
        flow_revision_id=flow.live_revision_id,
    )
    shown = suitability_questionnaire(configured=questionnaire)
    with pytest.raises(BusinessError) as refused:
        suitability_assessment_record(application=application, shown=shown, answers=answers)
    assert refused.value.code == "invalid_answers"
    assert Client.objects.get(pk=investor.pk).suitability_expires is None
    assert not SuitabilityAssessment.objects.exists()


def test_the_error_summary_follows_the_order_of_the_page(client, flow):
    log_in(client)
    _, url = start(client)
    page = submit(
        client, url, controller="exists", tax_residency=None, postal_code="1"
    ).content.decode()
    summary = page[page.index('class="errorlist"') :]
    positions = [
        summary.index(message)
        for message in (
            "请选择您的税收居民身份。",
            "请填写实际控制人姓名。",
            "邮政编码为 6 位数字。",
        )
    ]
    assert positions == sorted(positions)
