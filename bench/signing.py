"""`make bench`, signing: what rendering an agreement and both signatures (the investor's
two-step PAdES signature with its handwritten appearance and timestamp, then the company seal
with its appearance, timestamp and validation information) cost, next to the bare weasyprint
render of the same HTML; for the 2-page contract and a 10-page agreement (goal: at most 1.3x for
both), and the time of the five documents of the signing step, which the investor waits for.
Runs on a throwaway SQLite test database with its own CA."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

GOAL = 1.3
SIGNED_KINDS = ("customer_notice", "contract", "risk_disclosure")


def _long_agreement(documents: list[dict], pages: int) -> str:
    """An agreement of about `pages` A4 pages: the demo's signed documents' clauses, numbered
    on (a page holds about 770 characters of their HTML)."""
    html: list[str] = []
    while sum(len(h) for h in html) < pages * 770:
        source = documents[len(html) % len(documents)]
        html.append(f"<h2>第{len(html) + 1}部分 {source['title']}</h2>{source['html']}")
    return "".join(html)


def bench_signing(median_ms: Callable[..., list[float]], runs: int) -> None:
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        _bench(median_ms, runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _bench(median_ms: Callable[..., list[float]], runs: int) -> None:
    from django.utils import timezone
    from weasyprint import HTML

    from content.pdf import html_pdf, template_html
    from fixtures.content_data import DOCUMENTS
    from flows.models import StepRecord
    from flows.selectors import application_document
    from flows.services import application_start
    from photos.services import id_photo_store
    from signing.authority import ca_init
    from signing.demo import signature_photo_demo
    from signing.documents import TEMPLATE
    from signing.services import (
        certificate_challenge_issue,
        certificate_issue,
        signature_complete,
        signature_prepare,
    )
    from signing.stand_in import StandInKey
    from tests.factories import ClientFactory, published_document, published_flow

    ca_init(organisation="示例期货")
    sources = [d for d in DOCUMENTS if d["kind"] in SIGNED_KINDS]
    step_documents = [
        published_document(kind=d["kind"], title=d["title"], html=d["html"]) for d in sources
    ]
    contract = next(
        d for d, s in zip(step_documents, sources, strict=True) if s["kind"] == "contract"
    )
    long = published_document(
        kind="contract", title="期货经纪合同（全文）", html=_long_agreement(sources, pages=10)
    )
    published_flow(
        [
            ("photos", {"security_letter": None}),
            ("exchanges", {}),
            ("witness", {"script": None}),
            ("certificate", {}),
            ("sign", {"documents": [*step_documents, long]}),
        ]
    )
    client = ClientFactory(name="张三")
    id_photo_store(client=client, side="signature", upload_bytes=signature_photo_demo("张三"))
    application = application_start(client=client)
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

    def sign(document) -> None:
        request = signature_prepare(application=application, document=document)
        signature_complete(
            application=application,
            request_id=request.pk,
            signature=key.sign(bytes(request.signed_attributes)),
        )

    print(f"\nsigned PDF, median of {runs} runs (goal: signed / bare <= {GOAL}):")
    for document in (contract, long):
        rendition = application_document(application=application, document=document)
        html = template_html(
            TEMPLATE,
            {"application": application, "client": application.client, "rendition": rendition},
        )
        pages = len(HTML(string=html).render().pages)
        signed_ms, bare_ms = median_ms(
            lambda document=document: sign(document), lambda html=html: html_pdf(html), runs=runs
        )
        ratio = signed_ms / bare_ms
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(
            f"  {rendition.title} ({pages} pages): render + investor signature + seal + "
            f"timestamps {signed_ms:7.1f} ms, bare weasyprint render {bare_ms:7.1f} ms, "
            f"ratio {ratio:.2f} ({verdict})"
        )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for document in step_documents:
            sign(document)
        times.append(time.perf_counter() - start)
    print(
        f"  the signing step's {len(step_documents)} documents, one after another (what the "
        f"investor waits for): {1000 * statistics.median(times):7.1f} ms"
    )
