"""`manage.py demo_sign`: the first demo client through certificate issuance and the signing of
every signing-step document, by the browser's two-step path with a key made in Python."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from cryptography import x509
from django.core.management import call_command
from django.core.management.base import CommandError

from fixtures import data
from flows.models import Application
from signing.models import Certificate, SignedDocument
from signing.verification import pdf_verify

pytestmark = pytest.mark.django_db


def test_demo_sign_writes_verifiable_pdfs_and_the_ca_chain(demo, tmp_path, capsys):
    # when
    call_command("demo_sign", out=tmp_path)
    # then
    pdfs = sorted(tmp_path.glob("*.pdf"))
    signed = SignedDocument.objects.all()
    assert len(pdfs) == signed.count() >= 3
    certificate = Certificate.objects.get()
    assert certificate.client.id_number == data.CLIENTS[0].id_number
    chain = x509.load_pem_x509_certificates((tmp_path / "ca-chain.pem").read_bytes())
    assert [c.subject for c in chain][-1] == x509.load_pem_x509_certificate(
        (tmp_path / "root.pem").read_bytes()
    ).subject
    for path in pdfs:
        reports = pdf_verify(path.read_bytes())
        assert len(reports) == 2
        assert all(r.intact and r.trusted and r.timestamp_valid for r in reports), path
    assert certificate.serial in capsys.readouterr().out
    if shutil.which("pdfsig") and shutil.which("certutil"):
        nss = tmp_path / "nss"
        nss.mkdir()
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                f"sql:{nss}",
                "-n",
                "root",
                "-t",
                "CT,C,C",
                "-i",
                str(tmp_path / "root.pem"),
            ],
            check=True,
        )
        for path in pdfs:
            output = subprocess.run(
                ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True
            ).stdout
            assert output.count("Signature is Valid.") == 2, output
            assert output.count("Certificate is Trusted.") == 2, output


def test_demo_sign_takes_a_client_by_id_number(demo, tmp_path):
    second = data.CLIENTS[1]
    call_command("demo_sign", client=second.id_number, out=tmp_path)
    assert Certificate.objects.get().client.id_number == second.id_number


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("123", "证件号码无效"),
        ("11010519491231002X", "没有这位客户"),
    ],
)
def test_demo_sign_refuses_a_bad_or_unknown_client(demo, tmp_path, id_number, message):
    with pytest.raises(CommandError, match=message):
        call_command("demo_sign", client=id_number, out=tmp_path)
    assert not list(tmp_path.iterdir())


def test_demo_sign_without_clients_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_sign", out=tmp_path)


def test_demo_sign_can_run_again_for_the_same_client(demo, tmp_path):
    call_command("demo_sign", out=tmp_path / "first")
    call_command("demo_sign", out=tmp_path / "second")
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1
    assert all(len(pdf_verify(p.read_bytes())) == 2 for p in (tmp_path / "second").glob("*.pdf"))
    first, second = Application.objects.filter(client=Certificate.objects.first().client).order_by(
        "created_at"
    )
    assert (first.state, second.state) == ("abandoned", "in_progress")


def test_demo_sign_leaves_a_real_pending_business_alone(demo, tmp_path):
    pending = next(c for c in data.CLIENTS if c.pending_business)
    with pytest.raises(CommandError, match="办理中的业务"):
        call_command("demo_sign", client=pending.id_number, out=tmp_path)
    assert not Certificate.objects.exists()
