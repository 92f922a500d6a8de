"""Property tests (hypothesis) of what strangers type and upload: ID numbers, postal codes, the
basic-information answers, the back-office CSV with its trading codes, the login forms, and PDF
files corrupted at random. The properties: a checker never raises on any input, accepts exactly
what the rules accept, and a corrupted file is refused clearly or read, never a crash."""

from __future__ import annotations

import datetime
import io
import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from clients import idnumber
from common.exceptions import BusinessError

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- ID numbers (GB 11643) --------------------------------------------------------------------
# region, a real birth date (a 29 February only in a leap year: 1900-02-29 is none), sequence
first17 = st.builds(
    lambda region, born, sequence: region + born.strftime("%Y%m%d") + sequence,
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(ANY_TEXT)
def test_the_id_number_check_never_raises(value):
    assert idnumber.is_valid(value) in (True, False)
    assert isinstance(idnumber.normalise(value), str)


@given(first17)
def test_a_number_with_its_check_character_is_valid(first):
    assert idnumber.is_valid(first + idnumber.check_char(first))


@given(first17, st.integers(min_value=0, max_value=16), st.sampled_from(string.digits))
def test_changing_one_digit_breaks_the_check(first, position, digit):
    assume(first[position] != digit)
    changed = first[:position] + digit + first[position + 1 :]
    assert not idnumber.is_valid(changed + idnumber.check_char(first))


@given(first17)
def test_a_lower_case_x_and_spaces_are_the_same_number(first):
    number = first + idnumber.check_char(first)
    assert idnumber.is_valid(f"  {number.lower()} ") == idnumber.is_valid(
        idnumber.normalise(f"  {number.lower()} ")
    )


# --- the basic-information answers (step 2) ---------------------------------------------------
ANSWERS = {
    "tax_residency": ["china_only", "non_resident_only", "both"],
    "pep_relation": ["none", "foreign_pep", "family_member", "close_associate"],
    "investment_horizon": ["up_to_1y", "1y_to_5y", "over_5y"],
    "expected_return": ["steady", "growth", "aggressive"],
    "controller": ["none", "exists"],
    "beneficial_owner": ["self", "other"],
    "products": ["futures_options", "asset_management", "other"],
    "bad_credit": ["none", "pboc_credit_centre"],
}


def basic_info_form(data):
    from flows.steps.basic_info.forms import BasicInfoForm

    return BasicInfoForm(data)


@given(st.dictionaries(st.sampled_from([*ANSWERS, "postal_code", "contact_address", "email",
                                        "controller_id_number", "owner_id_number"]),
                       ANY_TEXT, max_size=12))  # fmt: skip
def test_any_posted_answers_are_judged_never_crash(data):
    form = basic_info_form(data)
    assert form.is_valid() in (True, False)


@given(ANY_TEXT)
@example("100010")
@example("１０００１０")  # full-width digits, as a Chinese keyboard may type them
@example(" 000000 ")
def test_only_six_digits_make_a_postal_code(code):
    from django.utils.datastructures import MultiValueDict

    data = MultiValueDict({k: [v[0]] for k, v in ANSWERS.items()})
    data.update({"contact_address": "北京市东城区东长安街1号", "postal_code": code})
    form = basic_info_form(data)
    import unicodedata

    normalised = unicodedata.normalize("NFKC", code).strip()
    expected = len(normalised) == 6 and all(c in string.digits for c in normalised)
    assert form.is_valid() == expected, form.errors


# --- the back-office CSV (import_clients): trading codes and every other column -------------
@pytest.mark.django_db
@SLOW
@given(ANY_TEXT, ANY_TEXT)
def test_any_csv_row_is_checked_never_crashes(exchanges, date):
    from clients.importing import clients_import

    header = (
        "client_no,name,id_number,id_valid_from,id_valid_until,id_address,phone,mobile,"
        "education,occupation,investor_type,suitability_class,suitability_expires,branch_code,"
        "exchanges\n"
    )
    row = ["1", "名", "11010519491231002X", date, "2040-01-01", "", "", "13900000000", "", "",
           "ordinary", "C3", "", "0001", exchanges]  # fmt: skip
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerow(row)
    report = clients_import(text=header + buffer.getvalue(), dry_run=True)
    assert report is not None


# --- the login forms -------------------------------------------------------------------------
@given(st.dictionaries(st.sampled_from(["id_number", "account_type", "sms_code", "consent",
                                        "privacy_rendition"]), ANY_TEXT, max_size=5))  # fmt: skip
def test_any_login_post_is_judged_never_crash(data):
    from clients.forms import LoginForm

    assert LoginForm(data).is_valid() in (True, False)


# --- PDFs corrupted at random ---------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker):
    from tests.signing.records import signed_snapshot

    return signed_snapshot(django_db_blocker)


@pytest.fixture
def signed_pdf(db, snapshot):
    """The company CA back in this test's database (once for all examples), and its PDF."""
    from tests.signing.records import company_ca_restore

    company_ca_restore(snapshot)
    return snapshot


mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "delete"]),
        st.floats(min_value=0, max_value=1),
        st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=4,
)


def mutate(pdf: bytes, steps) -> bytes:
    data = bytearray(pdf)
    for kind, where, blob in steps:
        at = int(where * (len(data) - 1))
        if kind == "flip":
            data[at : at + len(blob)] = blob
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = blob
        else:
            del data[at : at + len(blob) * 64]
    return bytes(data) or b"%PDF-"


@pytest.mark.django_db
@SLOW
@given(steps=mutations)
def test_a_corrupted_signed_pdf_is_read_or_refused_never_a_crash(signed_pdf, steps):
    from signing.verification import pdf_verify

    try:
        reports = pdf_verify(mutate(signed_pdf.pdf, steps))
    except BusinessError as refusal:
        assert refusal.code in {"unreadable", "unsigned", "not_pdf", "empty", "too_many_signatures"}
        assert refusal.message
    else:
        assert all(isinstance(report.ok, bool) for report in reports)


@pytest.mark.django_db
@SLOW
@given(st.binary(max_size=4096))
def test_random_bytes_behind_a_pdf_header_are_refused(blob):
    from signing.verification import pdf_verify

    with pytest.raises(BusinessError):
        pdf_verify(b"%PDF-1.7\n" + blob)
