"""What the signed PDF shows: the investor's handwritten signature and the company's red seal as
the appearances of the two signature fields, at the places the template marks, with their times;
no font in them, the document still valid and trusted, the seal still locking it."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from common.exceptions import BusinessError
from photos.services import id_photo_store
from signing.appearance import INVESTOR_PLACE, SEAL_PLACE, places_of, shown_time
from signing.demo import signature_photo_demo
from signing.documents import agreement_render
from signing.services import signature_complete, signature_prepare, signed_document_read
from signing.verification import pdf_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sign(application, document, key) -> bytes:
    request = signature_prepare(application=application, document=document)
    signed = signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )
    return signed_document_read(signed=signed)


@pytest.fixture
def signed_pdf(media, application, documents, certificate, key) -> bytes:
    id_photo_store(
        client=application.client,
        side="signature",
        upload_bytes=signature_photo_demo(application.client.name),
    )
    return _sign(application, documents[0], key)


def _widgets(pdf: bytes) -> dict[str, dict]:
    reader = PdfFileReader(io.BytesIO(pdf))
    found = {}
    for page_index, page in enumerate(reader.root["/Pages"]["/Kids"]):
        for annot in page.get_object().get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                found[str(annot["/T"])] = {
                    "page": page_index,
                    "rect": [float(v) for v in annot["/Rect"]],
                    "appearance": annot["/AP"]["/N"].get_object() if "/AP" in annot else None,
                    "value": annot.get("/V"),
                    "lock": annot.get("/Lock"),
                }
    return found


def test_both_fields_are_visible_at_the_places_the_template_marks(
    signed_pdf, application, documents
):
    # given where the template puts them
    from flows.selectors import application_document

    rendition = application_document(application=application, document=documents[0])
    agreement = agreement_render(application=application, rendition=rendition)

    # when
    widgets = _widgets(signed_pdf)

    # then the same two signature fields, now with a size, where the template said
    assert set(widgets) == {"InvestorSignature", "CompanySeal"}
    for name, place in (
        ("InvestorSignature", agreement.investor_place),
        ("CompanySeal", agreement.seal_place),
    ):
        widget = widgets[name]
        assert widget["page"] == place.page
        assert widget["rect"] == pytest.approx(list(place.box), abs=1)
        assert widget["rect"][2] - widget["rect"][0] > 100  # visible, not a 0 × 0 field


def test_each_appearance_is_an_image_with_transparency_and_no_font(signed_pdf):
    for name, widget in _widgets(signed_pdf).items():
        appearance = widget["appearance"]
        assert appearance is not None, name
        resources = appearance["/Resources"]
        assert "/Font" not in resources, name  # the caption is drawn as outlines
        images = [x.get_object() for x in resources["/XObject"].values()]
        assert len(images) == 1 and images[0]["/Subtype"] == "/Image", name
        assert "/SMask" in images[0], name  # transparent: the page shows through
    seal_image = _widgets(signed_pdf)["CompanySeal"]["appearance"]["/Resources"]["/XObject"]
    assert next(iter(seal_image.values())).get_object()["/ColorSpace"] == "/DeviceRGB"


def test_the_document_stays_valid_and_trusted_with_the_appearances(signed_pdf):
    reports = pdf_verify(signed_pdf)
    assert [r.field for r in reports] == ["InvestorSignature", "CompanySeal"]
    assert all(r.ok and r.timestamp_valid for r in reports), [r.summary for r in reports]


def test_the_seal_still_locks_the_document(signed_pdf):
    # the seal's field carries the lock: all fields, and no change at all after it
    lock = _widgets(signed_pdf)["CompanySeal"]["lock"].get_object()
    assert lock["/Action"] == "/All" and lock["/P"] == 1

    # given a change made after the seal (a stamp on the page)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    writer.add_stream_to_page(0, writer.add_object(_stream(b"0 0 1 rg 10 10 50 50 re f")))
    out = io.BytesIO()
    writer.write(out)

    # then the seal reports the document changed after it
    reports = pdf_verify(out.getvalue())
    assert reports[1].modified_after and not reports[1].ok


def _stream(data: bytes):
    from pyhanko.pdf_utils import generic

    return generic.StreamObject(stream_data=data)


def _page_image(pdf: bytes, page: int, tmp_path) -> Image.Image:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-r",
            "72",
            "-png",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")


def _region(image: Image.Image, rect: list[float]) -> np.ndarray:
    """The pixels of a field (72 dpi: one pixel per point; PDF y runs upwards)."""
    x1, y1, x2, y2 = rect
    height = image.height
    return np.asarray(image)[round(height - y2) : round(height - y1), round(x1) : round(x2)]


def test_a_reader_sees_dark_handwriting_and_a_red_seal(signed_pdf, tmp_path):
    widgets = _widgets(signed_pdf)
    page = _page_image(signed_pdf, widgets["CompanySeal"]["page"], tmp_path)
    signature = _region(page, widgets["InvestorSignature"]["rect"]).astype(int)
    seal = _region(page, widgets["CompanySeal"]["rect"]).astype(int)
    dark = (signature.max(axis=-1) < 90).mean()
    red = ((seal[..., 0] > 150) & (seal[..., 1] < 90) & (seal[..., 2] < 90)).mean()
    assert dark > 0.03, dark  # strokes there
    assert red > 0.05, red  # the ring, the star, the name
    assert (signature.min(axis=-1) > 200).mean() > 0.5  # the page shows around the strokes


def test_without_a_signature_photo_the_name_is_set_not_left_blank(
    media, application, documents, certificate, key, tmp_path
):
    # given a business whose client never gave a signature photo
    pdf = _sign(application, documents[0], key)

    # when
    widgets = _widgets(pdf)
    page = _page_image(pdf, widgets["InvestorSignature"]["page"], tmp_path)

    # then the field still shows something dark (the name)
    region = _region(page, widgets["InvestorSignature"]["rect"]).astype(int)
    assert (region.max(axis=-1) < 90).mean() > 0.03


def test_the_caption_shows_the_signature_time_in_beijing_time():
    utc = datetime.datetime(2026, 12, 6, 7, 45, 42, tzinfo=datetime.UTC)
    assert shown_time(utc.strftime("%Y-%m-%dT%H:%M:%S%z")) == "2026-12-06 15:45:42"


def test_a_template_without_the_marked_places_cannot_be_signed(application, documents, monkeypatch):
    # given a PDF template whose places were edited away
    from signing import documents as agreement_module

    monkeypatch.setattr(agreement_module, "places_of", lambda document: {})
    from flows.selectors import application_document

    rendition = application_document(application=application, document=documents[0])

    # when / then
    with pytest.raises(BusinessError) as refused:
        agreement_render(application=application, rendition=rendition)
    assert refused.value.code == "template_without_places"
    assert INVESTOR_PLACE in refused.value.message and SEAL_PLACE in refused.value.message


def test_places_are_read_from_the_laid_out_template():
    from content.pdf import html_document

    document = html_document(
        '<html><body style="margin:0"><div style="height:100px"></div>'
        f'<div id="{INVESTOR_PLACE}" style="width:200px;height:80px"></div>'
        f'<div id="{SEAL_PLACE}" style="width:100px;height:100px"></div></body></html>'
    )
    places = places_of(document)
    investor, seal = places[INVESTOR_PLACE], places[SEAL_PLACE]
    assert investor.page == seal.page == 0
    width = investor.box[2] - investor.box[0]
    height = investor.box[3] - investor.box[1]
    assert (width, height) == (150, 60)  # 200 × 80 CSS px in points
    assert seal.box[3] == investor.box[1]  # the seal's box right below
