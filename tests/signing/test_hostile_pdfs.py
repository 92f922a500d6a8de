"""Hostile PDFs on the public verification page and the API: deep nesting, broken cross-reference
offsets, a signature value that is not a dictionary, loops, one signature referenced by a hundred
fields, a reader that hangs, crashes or eats memory. Each ends as a clear refusal (400), never a
500, and none costs more than the verification's limits."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from common.exceptions import BusinessError
from signing import verification
from signing.reading import ChildFailed, in_child
from signing.verification import pdf_verify

from .records import company_ca_restore, signed_snapshot

pytestmark = pytest.mark.django_db

UNREADABLE = ("unreadable", "PDF 文件已损坏，无法读取。")


def crafted(objects: list[bytes], *, xref_shift: int = 0) -> bytes:
    """A PDF of these objects (1 is the catalog), with an xref table whose offsets are shifted
    by `xref_shift` (0: correct)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_shift)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /AcroForm << /Fields [2 0 R] >> >>"
SIGNATURE = b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
SIGNATURE += b"/Contents <3080> /ByteRange [0 10 20 30] >>"
HOSTILE = {
    "nested arrays 50,000 deep": crafted(
        [CATALOG, b"<< /FT /Sig /T (s) /V " + b"[" * 50_000 + b"]" * 50_000 + b" >>"]
    ),
    "nested dictionaries 20,000 deep": crafted(
        [b"<< /Type /Catalog /AcroForm " + b"<< /A " * 20_000 + b">>" * 20_000 + b" >>"]
    ),
    "broken xref offsets": crafted(
        [CATALOG, b"<< /FT /Sig /T (s) /V 3 0 R >>", SIGNATURE], xref_shift=12_345
    ),
    "signature value is a number": crafted([CATALOG, b"<< /FT /Sig /T (s) /V 42 >>"]),
    "signature value is a string": crafted([CATALOG, b"<< /FT /Sig /T (s) /V (sig) >>"]),
    "field tree loops": crafted(
        [CATALOG, b"<< /FT /Sig /T (s) /Kids [2 0 R] /V 3 0 R >>", b"<< /Type /Sig >>"]
    ),
    "signature without contents": crafted(
        [CATALOG, b"<< /FT /Sig /T (s) /V 3 0 R >>", b"<< /Type /Sig /ByteRange 7 >>"]
    ),
    "truncated after the header": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
}


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker):
    return signed_snapshot(django_db_blocker)


@pytest.fixture
def company_ca(db, snapshot):
    company_ca_restore(snapshot)
    return snapshot


def one_signature_in_many_fields(pdf: bytes, fields: int) -> bytes:
    """An incremental update adding `fields` signature fields that all point at the document's
    existing signature value: the attack that cost 17–29 s of CPU per request."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    form = writer.root["/AcroForm"]
    existing = next(
        f for f in form["/Fields"] if f.get_object().get("/FT") == generic.NameObject("/Sig")
    )
    value = existing.get_object().raw_get("/V")
    added = generic.ArrayObject(form["/Fields"])
    for n in range(fields):
        field = generic.DictionaryObject(
            {
                generic.NameObject("/FT"): generic.NameObject("/Sig"),
                generic.NameObject("/T"): generic.TextStringObject(f"copy{n}"),
                generic.NameObject("/V"): value,
            }
        )
        added.append(writer.add_object(field))
    form[generic.NameObject("/Fields")] = added
    writer.update_container(form)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_pdf_is_refused_as_unreadable(company_ca, name):
    # when
    began = time.monotonic()
    with pytest.raises(BusinessError) as refused:
        pdf_verify(HOSTILE[name])
    # then
    assert (refused.value.code, refused.value.message) in {
        UNREADABLE,
        ("unsigned", "该 PDF 没有数字签名。"),
    }
    assert time.monotonic() - began < verification.VERIFY_SECONDS


def test_a_signed_pdf_whose_xref_offsets_are_broken_never_crashes(company_ca):
    # given the startxref of a real signed PDF pointing into the middle of the file
    pdf = company_ca.pdf
    at = pdf.rindex(b"startxref")
    broken = pdf[:at] + b"startxref\n1234\n%%EOF\n"
    # when / then: either the reader recovers and reports, or it cannot read; nothing else
    try:
        reports = pdf_verify(broken)
    except BusinessError as refusal:
        assert refusal.code in {"unreadable", "unsigned"}
    else:
        assert reports and all(isinstance(r.ok, bool) for r in reports)


def test_one_signature_referenced_by_a_hundred_fields_is_refused_at_once(company_ca):
    # given
    attack = one_signature_in_many_fields(company_ca.pdf, 100)
    assert len(list(PdfFileReader(io.BytesIO(attack), strict=False).embedded_signatures)) > 100
    # when
    began = time.monotonic()
    with pytest.raises(BusinessError) as refused:
        pdf_verify(attack)
    # then
    assert refused.value.code == "too_many_signatures"
    assert refused.value.message == "该 PDF 的签名超过 10 个，无法验证。"
    assert time.monotonic() - began < 5


def test_a_few_extra_fields_on_one_signature_are_validated_not_trusted(company_ca):
    # given the same signature behind three fields: within the limit, each is checked
    reports = pdf_verify(one_signature_in_many_fields(company_ca.pdf, 3))
    # then the copies are reported, and the document is not called valid as it stands
    assert len(reports) == 5
    assert not all(report.ok for report in reports)


def test_the_real_document_still_verifies(company_ca):
    reports = pdf_verify(company_ca.pdf)
    assert [r.ok for r in reports] == [True, True]


# --- the child's limits -----------------------------------------------------------------------
def _spin(_data, _materials):
    while True:
        pass


def _crash(_data, _materials):
    os.abort()


def _hoard(_data, _materials):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def _refuse(_data, _materials):
    raise BusinessError("不行", code="nope", extra={"n": 1})


def test_a_reader_that_never_ends_is_killed_at_the_deadline():
    began = time.monotonic()
    with pytest.raises(ChildFailed):
        in_child(_spin, b"", {}, seconds=1, memory_bytes=64 * 1024 * 1024)
    assert time.monotonic() - began < 5


def test_a_reader_that_crashes_the_interpreter_is_one_that_could_not_read():
    with pytest.raises(ChildFailed):
        in_child(_crash, b"", {}, seconds=5, memory_bytes=64 * 1024 * 1024)


def test_a_reader_that_eats_memory_is_stopped_by_its_ceiling():
    began = time.monotonic()
    with pytest.raises(ChildFailed):
        in_child(_hoard, b"", {}, seconds=20, memory_bytes=256 * 1024 * 1024)
    assert time.monotonic() - began < 10


def test_a_refusal_in_the_child_is_the_same_refusal_in_the_parent():
    with pytest.raises(BusinessError) as refused:
        in_child(_refuse, b"", {}, seconds=5, memory_bytes=64 * 1024 * 1024)
    assert (refused.value.code, refused.value.message, refused.value.extra) == (
        "nope",
        "不行",
        {"n": 1},
    )


def test_a_stuck_pdf_becomes_the_cannot_read_answer(company_ca, monkeypatch):
    monkeypatch.setattr(verification, "VERIFY_SECONDS", 1)
    monkeypatch.setattr(verification, "_reports_as_dicts", _spin)
    with pytest.raises(BusinessError) as refused:
        pdf_verify(company_ca.pdf)
    assert (refused.value.code, refused.value.message) == UNREADABLE


# --- over HTTP: 400 with the message, never 500 -----------------------------------------------
def _attacks(company_ca) -> dict[str, bytes]:
    return {**HOSTILE, "hundred fields": one_signature_in_many_fields(company_ca.pdf, 100)}


def test_the_public_page_answers_every_hostile_pdf_with_400(client, company_ca):
    for name, data in _attacks(company_ca).items():
        response = client.post(
            "/signing/verify/", {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")}
        )
        assert response.status_code == 400, name
        assert "无法" in response.content.decode() or "没有数字签名" in response.content.decode()


def test_the_api_answers_every_hostile_pdf_with_a_structured_400(client, company_ca):
    from staff.roles import Role
    from tests.factories import staff_user

    client.force_login(staff_user("integrator", Role.INTEGRATOR))
    for name, data in _attacks(company_ca).items():
        response = client.post(
            "/api/v1/signatures/verify/",
            {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")},
        )
        assert response.status_code == 400, name
        body = response.json()
        assert body["code"] in {"unreadable", "unsigned", "too_many_signatures"}, name
        assert body["message"]
