"""Company keys in a PKCS#11 token (here SoftHSM2, the software token Debian ships): init_ca
generates them inside the token and everything the company signs (certificates, CRLs,
timestamps, seals) is signed there; the resulting PDFs verify like the software path's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from signing.models import CompanyKey

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN = "onboarding-test", "246810"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory) -> dict:
    """One token for the session: the PKCS#11 library reads its configuration once per process."""
    pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed")
    if not SOFTHSM_MODULE.exists() or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 (Debian package softhsm2) is not installed")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(config)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            "13579",
        ],
        check=True,
        capture_output=True,
    )
    return {"module": str(SOFTHSM_MODULE), "token": TOKEN, "pin": PIN}


def test_keys_made_in_the_token_sign_certificates_timestamps_and_seals(
    softhsm_token, settings, documents
):
    from signing.authority import ca_init, certificate_of, crl_current
    from signing.services import (
        certificate_challenge_issue,
        certificate_issue,
        signature_complete,
        signature_prepare,
        signed_document_read,
    )
    from signing.stand_in import StandInKey
    from signing.verification import pdf_verify
    from tests.signing.conftest import application_for

    # given: the CA made in the token
    settings.SIGNING_PKCS11 = softhsm_token
    ca_init(organisation="令牌期货")
    keys = CompanyKey.objects.filter(active=True)
    assert all(key.token_label and not key.private_key for key in keys)
    application = application_for(documents)
    key = StandInKey()
    # when
    challenge = certificate_challenge_issue(application=application)
    certificate_issue(
        application=application,
        nonce=challenge.nonce,
        public_key_der=key.public_key_der(),
        signature=key.sign(challenge.message()),
    )
    request = signature_prepare(application=application, document=documents[0])
    signed = signature_complete(
        application=application,
        request_id=request.pk,
        signature=key.sign(bytes(request.signed_attributes)),
    )
    # then
    reports = pdf_verify(signed_document_read(signed=signed))
    assert all(r.intact and r.trusted and r.timestamp_valid for r in reports)
    issuing = certificate_of(keys.get(role="issuing"))
    assert crl_current("issuing").is_signature_valid(issuing.public_key())
