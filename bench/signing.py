"""`make bench`, signing: what rendering an agreement and both signatures (the investor's
two-step PAdES signature with its timestamp, then the company seal with timestamp and
validation information) cost, next to the bare weasyprint render of the same HTML. Runs on a
throwaway SQLite test database with its own CA."""

from __future__ import annotations

from collections.abc import Callable


def bench_signing(median_ms: Callable[..., list[float]], runs: int) -> None:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from content.pdf import html_pdf
        from fixtures.content_data import DOCUMENTS
        from flows.models import StepRecord
        from flows.services import application_start
        from signing.authority import ca_init
        from signing.services import (
            certificate_challenge_issue,
            certificate_issue,
            signature_complete,
            signature_prepare,
        )
        from signing.stand_in import StandInKey
        from tests.factories import ClientFactory, published_document, published_flow
        from themes.models import Theme

        ca_init(organisation="示例期货")
        source = max(DOCUMENTS, key=lambda d: len(d["html"]))
        document = published_document(kind="contract", title=source["title"], html=source["html"])
        published_flow(
            [
                ("photos", {"security_letter": None}),
                ("exchanges", {}),
                ("witness", {"script": None}),
                ("certificate", {}),
                ("sign", {"documents": [document]}),
            ]
        )
        application = application_start(client=ClientFactory(name="张三"))
        for kind in ("photos", "exchanges", "witness"):
            StepRecord.objects.create(
                application=application, kind=kind, completed_at=timezone.now(), version=1
            )
        key = StandInKey()
        challenge = certificate_challenge_issue(application=application)
        certificate_issue(
            application=application,
            nonce=challenge.nonce,
            public_key_der=key.public_key_der(),
            signature=key.sign(challenge.message()),
        )
        from flows.selectors import application_document

        rendition = application_document(application=application, document=document)
        html = render_to_string(
            "signing/agreement_pdf.html",
            {
                "application": application,
                "client": application.client,
                "rendition": rendition,
                "theme": Theme.objects.first(),
            },
        )

        def sign() -> None:
            request = signature_prepare(application=application, document=document)
            signature_complete(
                application=application,
                request_id=request.pk,
                signature=key.sign(bytes(request.signed_attributes)),
            )

        signed_ms, bare_ms = median_ms(sign, lambda: html_pdf(html), runs=runs)
        from weasyprint import HTML

        pages = len(HTML(string=html).render().pages)
        print(f"\nagreement “{source['title']}” ({pages} pages), median of {runs} runs:")
        print(f"  render + investor signature + timestamp + company seal: {signed_ms:7.1f} ms")
        print(f"  bare weasyprint render of the same HTML:                  {bare_ms:7.1f} ms")
        print(f"  ratio signed / bare: {signed_ms / bare_ms:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
