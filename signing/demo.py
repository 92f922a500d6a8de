"""`demo_sign`: a client taken through certificate issuance and the signing of every document of
the signing step, by the same services and the same two-step path as the browser, with a key
made in Python in its place. For operators checking a deployment: the PDFs and the CA chain it
writes can be checked with any validator."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from clients.models import Client
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application
from flows.selectors import pending_application
from flows.services import application_abandon, application_start
from photos.models import IdPhotoSide
from photos.selectors import id_photos_on_file
from photos.services import id_photo_store

from .authority import company_chain
from .selectors import sign_step_documents
from .services import (
    certificate_challenge_issue,
    certificate_issue,
    signature_complete,
    signature_prepare,
    signed_document_read,
)
from .stand_in import StandInKey


@dataclass
class DemoResult:
    application: Application
    serial: str
    files: list[Path]


DEMO_REMARK = "demo_sign 生成的验签演示业务"
DEMO_ACTOR = Actor.system("demo_sign")


def _demo_application(client: Client) -> Application:
    """A new business for the run: the previous run's is abandoned; a real pending business of
    the client is never touched."""
    pending = pending_application(client=client)
    if pending is not None:
        if pending.remarks != DEMO_REMARK:
            raise BusinessError(
                _("该客户有办理中的业务，demo_sign 不会改动它；请换一位客户。"),
                code="pending_business",
            )
        application_abandon(
            application=pending, actor=DEMO_ACTOR, reason="demo_sign：换一笔新的演示业务"
        )
    application = application_start(client=client, actor=DEMO_ACTOR)
    Application.objects.filter(pk=application.pk).update(remarks=DEMO_REMARK)
    application.remarks = DEMO_REMARK
    return application


def signature_photo_demo(name: str, *, seed: int = 7) -> bytes:
    """A phone photo of a name signed on white paper, as the photo step receives one: slanted
    pen strokes in blue-black, light falling off across the sheet, sensor noise, JPEG."""
    rng = np.random.default_rng(seed)
    width, height = 1600, 1200
    font = ImageFont.truetype(settings.SIGNING_APPEARANCE_FONT, 250, index=2)
    ink = Image.new("L", (width, height), 0)
    ImageDraw.Draw(ink).text((width / 2, height / 2), name, font=font, fill=255, anchor="mm")
    ink = ink.transform(  # a right-handed slant, a little turned
        ink.size, Image.Transform.AFFINE, (1, 0.28, -160, -0.04, 1, 40), Image.Resampling.BICUBIC
    ).filter(ImageFilter.GaussianBlur(1.2))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 238 - 40 * (xx / width) - 18 * (yy / height)  # a lamp on the left
    paper = np.stack([light, light - 2, light - 7], axis=-1)
    strength = np.asarray(ink, dtype=np.float32)[..., None] / 255.0
    pen = np.array([28, 30, 58], dtype=np.float32)
    pixels = paper * (1 - strength) + pen * strength + rng.normal(0, 3.0, paper.shape)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=88)
    return out.getvalue()


def _signature_on_file(client: Client) -> None:
    """demo_sign's client signs with the signature photo on file; one without any gets a
    photographed demo signature of their name, judged like any upload."""
    if IdPhotoSide.SIGNATURE not in id_photos_on_file(client=client):
        id_photo_store(
            client=client,
            side=IdPhotoSide.SIGNATURE,
            upload_bytes=signature_photo_demo(client.name),
        )


def demo_sign(*, client: Client, out_dir: Path) -> DemoResult:
    _signature_on_file(client)
    application = _demo_application(client)
    documents = sign_step_documents(application=application)
    if not documents:
        raise BusinessError(_("该业务流程没有“签署协议”步骤。"), code="no_sign_step")
    key = StandInKey()
    challenge = certificate_challenge_issue(application=application)
    certificate = certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for document in documents:
        request = signature_prepare(application=application, document=document)
        signed = signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )
        path = out_dir / signed.filename
        path.write_bytes(signed_document_read(signed=signed))
        files.append(path)
    chain = company_chain()
    pem = serialization.Encoding.PEM
    (out_dir / "ca-chain.pem").write_bytes(b"".join(c.public_bytes(pem) for c in chain))
    (out_dir / "root.pem").write_bytes(chain[-1].public_bytes(pem))
    files += [out_dir / "ca-chain.pem", out_dir / "root.pem"]
    return DemoResult(application=application, serial=certificate.serial, files=files)
