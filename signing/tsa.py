"""The company's RFC 3161 timestamp authority. `timestamp_respond` answers a DER TimeStampReq
with a DER TimeStampResp signed by the TSA certificate; it is served over HTTP at
/signing/tsa/ (Content-Type application/timestamp-query) for any client, and called in-process by
`CompanyTimeStamper` when the project seals its own documents: a web worker must not wait on an
HTTP call to itself. Set SIGNING_TSA_URL to use another (external) TSA instead."""

from __future__ import annotations

import secrets

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from .authority import certificate_of, company_chain, company_key, key_handle
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


def timestamp_respond(request_der: bytes) -> bytes:
    from .pades import run

    return run(timestamp_respond_async(request_der, signer=_tsa_signer()))


def _tsa_signer() -> Signer:
    """The TSA key as a pyHanko signer (read from the database: call outside async code)."""
    key = company_key(CompanyRole.TSA)
    return key_handle(key).pyhanko_signer(certificate_of(key), company_chain())


async def timestamp_respond_async(request_der: bytes, *, signer: Signer) -> bytes:
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
        "tsa": asn1_x509.GeneralName(name="directory_name", value=signer.signing_cert.subject),
    }
    if request["nonce"].native is not None:
        info["nonce"] = request["nonce"]
    content = cms.EncapsulatedContentInfo(
        {
            "content_type": "tst_info",
            "content": cms.ParsableOctetString(tsp.TSTInfo(info).dump()),
        }
    )
    # pyHanko's generic attributes: content type, message digest, ESS signing-certificate-v2
    # (RFC 5816) and CMS algorithm protection. Not its CAdES set, whose signing-time attribute
    # made asn1crypto re-encode the token over and over once nested in a signature (0.75–5 s
    # per signature, at random; `make bench` showed it); a token's time is its genTime anyway.
    token = await signer.async_sign_general_data(content, "sha256", detached=False)
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


class CompanyTimeStamper(TimeStamper):
    """Timestamps from the company's own TSA, without a round trip over HTTP. Made in sync
    code (it reads the TSA key), used in pyHanko's async code."""

    def __init__(self) -> None:
        super().__init__()
        self._signer = _tsa_signer()

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(
            await timestamp_respond_async(req.dump(), signer=self._signer)
        )


def company_timestamper() -> TimeStamper:
    url = getattr(settings, "SIGNING_TSA_URL", "")
    return HTTPTimeStamper(url) if url else CompanyTimeStamper()
