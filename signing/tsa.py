"""The company's RFC 3161 timestamp authority. `timestamp_respond` answers a DER TimeStampReq
with a DER TimeStampResp signed by the TSA certificate; it is served over HTTP at
/signing/tsa/ (Content-Type application/timestamp-query) for any client, and called in-process by
`CompanyTimeStamper` when the project seals its own documents: a web worker must not wait on an
HTTP call to itself. Set SIGNING_TSA_URL to use another (external) TSA instead."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.utils import timezone
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from . import cms_der
from .authority import certificate_of, company_chain, company_key, key_handle
from .keys import as_asn1
from .models import CompanyRole

# The TSA's policy: an OID under the project's own arc (no registered one yet).
POLICY_OID = "1.3.6.1.4.1.61011.1.1"
ACCEPTED_DIGESTS = {"sha256", "sha384", "sha512"}


class TimeStampResponse(core.Sequence):
    """RFC 3161's TimeStampResp, whose token is OPTIONAL (asn1crypto's class requires it, so a
    rejection could not be encoded with it)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _rejection(failure: str, text: str) -> bytes:
    return TimeStampResponse(
        {
            "status": {
                "status": "rejection",
                "status_string": [text],
                "fail_info": {failure},
            }
        }
    ).dump()


@dataclass(frozen=True)
class TsaIdentity:
    """What signing a token needs: the TSA's certificate (with its chain, encoded once) and its
    key. Read from the database, so made in sync code and used in pyHanko's async code."""

    certificate: x509.Certificate
    pieces: cms_der.CertPieces
    sign: Callable[[bytes], bytes]  # ECDSA-SHA256 over the bytes, DER


def tsa_identity() -> TsaIdentity:
    key = company_key(CompanyRole.TSA)
    certificate = certificate_of(key)
    return TsaIdentity(
        certificate=certificate,
        pieces=cms_der.pieces_of(certificate, company_chain()),
        sign=key_handle(key).sign,
    )


def timestamp_respond(request_der: bytes) -> bytes:
    from .pades import run

    return run(timestamp_respond_async(request_der, tsa=tsa_identity()))


async def timestamp_respond_async(request_der: bytes, *, tsa: TsaIdentity) -> bytes:
    try:
        request = tsp.TimeStampReq.load(request_der)
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        digest = imprint["hashed_message"].native
    except (ValueError, TypeError, KeyError):
        return _rejection("bad_data_format", "malformed TimeStampReq")
    if algorithm not in ACCEPTED_DIGESTS or len(digest or b"") * 8 not in (256, 384, 512):
        return _rejection("bad_alg", f"digest algorithm {algorithm} not accepted")
    if request["req_policy"].native not in (None, POLICY_OID):
        return _rejection("unaccepted_policy", "only the TSA's own policy is offered")
    info = {
        "version": "v1",
        "policy": POLICY_OID,
        "message_imprint": imprint,
        "serial_number": secrets.randbits(127),
        "gen_time": timezone.now(),
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName(
            name="directory_name", value=asn1_x509.Name.load(tsa.certificate.subject.public_bytes())
        ),
    }
    if request["nonce"].native is not None:
        info["nonce"] = request["nonce"]
    # Signed attributes: content type, message digest, ESS signing-certificate-v2 (RFC 5816) and
    # CMS algorithm protection, assembled from DER pieces (signing/cms_der.py). No signing-time
    # attribute: a token's time is its genTime (and that attribute once made asn1crypto
    # re-encode the token over and over once nested in a signature: 0.75–5 s at random).
    token = cms_der.sign_content(
        content_type=cms_der.OID_TST_INFO,
        content=tsp.TSTInfo(info).dump(),
        pieces=tsa.pieces,
        sign=tsa.sign,
        encapsulate=True,
    )
    granted = cms_der.sequence(cms_der.integer(0))  # PKIStatusInfo { status granted }
    return cms_der.sequence(granted, token)


class CompanyTimeStamper(TimeStamper):
    """Timestamps from the company's own TSA, without a round trip over HTTP. Made in sync
    code (it reads the TSA key), used in pyHanko's async code."""

    def __init__(self) -> None:
        super().__init__()
        self._tsa = tsa_identity()

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(await timestamp_respond_async(req.dump(), tsa=self._tsa))

    async def _ensure_dummy(self) -> None:
        """pyHanko asks a TSA for a throwaway token once per timestamper, only to learn its
        certificate (for the validation data a sealed document embeds). Ours is known: register
        it instead of signing a token nobody keeps (one TSA signature less per document)."""
        if not self._certs:
            certificate = as_asn1(self._tsa.certificate)
            self._certs[certificate.issuer_serial] = certificate


def company_timestamper() -> TimeStamper:
    url = getattr(settings, "SIGNING_TSA_URL", "")
    return HTTPTimeStamper(url) if url else CompanyTimeStamper()
