"""`demo_sign`: a client taken through certificate issuance and the signing of every document of
the signing step, by the same services and the same two-step path as the browser, with a key
made in Python in its place. For operators checking a deployment: the PDFs and the CA chain it
writes can be checked with any validator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _

from clients.models import Client
from common.exceptions import BusinessError
from flows.actors import Actor
from flows.models import Application
from flows.selectors import pending_application
from flows.services import application_abandon, application_start

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


def demo_sign(*, client: Client, out_dir: Path) -> DemoResult:
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
