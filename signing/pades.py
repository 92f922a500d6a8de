"""PAdES signatures with pyHanko: the investor's two-step signature and the company's seal.

1. `investor_prepare`: both signature fields are laid out in a new revision of the PDF, at the
   places the template marked (the seal's still empty, with its lock); pyHanko reserves room for
   the investor's signature, draws its appearance (the handwritten signature and the time) and
   computes the digest; the CMS signed attributes over that digest are what the browser signs
   (WebCrypto's ECDSA hashes them itself).
2. `investor_finish`: the browser's signature is checked against the investor's certificate,
   the CMS is completed (with a signature timestamp from the company's TSA) and embedded.
3. `company_seal`: an approval signature by the company seal in its field (the seal's picture
   and the time as its appearance), whose field lock forbids any later change (PDF 2.0 /Lock
   with /P 1), timestamped, with the CA chain and CRLs embedded (PAdES B-LT). The PDF
   specification allows a certification (DocMDP) signature only as the first signature of a
   document, and pyHanko refuses one after the investor's; the lock gives the
   seal the same effect in the place the flow needs it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import io
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, Signer
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from common.exceptions import BusinessError

from . import cms_der
from .appearance import ImageStampStyle, Place
from .authority import certificate_of, company_chain, company_key, crl_current, key_handle
from .keys import KeyHandle, as_asn1
from .models import CompanyRole
from .tsa import company_timestamper

# pyHanko warns on every seal that fetching is off: it is off on purpose (the CRLs are handed
# over, nothing is fetched from the network). Other warnings of that logger stay.
logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(
    lambda record: "fetching is not allowed" not in record.getMessage()
)
# A revoked or untrusted certificate is a result of verification, reported to whoever asked;
# pyHanko also logs it as a warning with a traceback. Keep the log for real faults.
logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(
    lambda record: (
        not (
            record.exc_info
            and isinstance(record.exc_info[1], PathValidationError | PathBuildingError)
        )
    )
)

INVESTOR_FIELD = "InvestorSignature"
SEAL_FIELD = "CompanySeal"
BYTES_RESERVED = 16384
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """pyHanko is asynchronous; Django views and tasks here are not. A thread that already runs
    an event loop (an async test, Playwright's sync API) gets a fresh one in another thread.

    The result is handed over in a box, not as the main task's result: on the main thread
    asyncio.run's exit check (`signal.getsignal(SIGINT)`) formats the repr of its main task, and
    a task's repr includes its result: a whole PDF's bytes, 8 ms per call on a 2-page contract
    (found by profiling `make bench`; three calls per signed document)."""
    box: list[T] = []

    async def boxed() -> None:
        box.append(await coroutine)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(boxed())
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, boxed()).result()
    return box[0]


def validation_materials() -> dict[str, Any]:
    """What a validator needs, read once from the database: the company root as the only trust
    anchor, the issuing CA, the current CRLs; fetching off (nothing comes from the network)."""
    crls = [
        asn1_crl.CertificateList.load(crl_current(role).public_bytes(serialization.Encoding.DER))
        for role in (CompanyRole.ROOT, CompanyRole.ISSUING)
    ]
    chain = company_chain()
    return {
        "trust_roots": [as_asn1(chain[-1])],
        "other_certs": [as_asn1(c) for c in chain[:-1]],
        "crls": crls,
        "allow_fetching": False,
    }


def validation_context(**options: Any) -> ValidationContext:
    return ValidationContext(**validation_materials(), **options)


def _store() -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([as_asn1(c) for c in company_chain()])


@dataclass(frozen=True)
class Prepared:
    pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes  # DER: what the investor's key signs


def _seal_field(place: Place | None = None) -> fields.SigFieldSpec:
    """The seal's field: where the template put it (or invisible, for a document prepared
    without a place), locking the whole document once signed (FieldMDP all, DocMDP /P 1)."""
    return fields.SigFieldSpec(
        SEAL_FIELD,
        on_page=place.page if place else 0,
        box=place.box if place else None,
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
        doc_mdp_update_value=fields.MDPPerm.NO_CHANGES,
    )


def investor_prepare(
    pdf: bytes,
    *,
    certificate: x509.Certificate,
    signer_name: str,
    reason: str,
    investor_place: Place,
    seal_place: Place,
    signature_png: bytes,
) -> Prepared:
    signer = ExternalSigner(
        signing_cert=as_asn1(certificate), cert_registry=_store(), signature_value=bytes(72)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, _seal_field(seal_place))
    look = ImageStampStyle(image_png=signature_png, caption="签署时间 {time}")
    field = fields.SigFieldSpec(INVESTOR_FIELD, on_page=investor_place.page, box=investor_place.box)

    async def prepare() -> Prepared:
        meta = signers.PdfSignatureMetadata(
            field_name=INVESTOR_FIELD,
            md_algorithm="sha256",
            name=signer_name,
            reason=reason,
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=look, new_field_spec=field)
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=BYTES_RESERVED
        )
        attributes = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
        return Prepared(
            pdf=output.getvalue(),
            document_digest=digest.document_digest,
            reserved_start=digest.reserved_region_start,
            reserved_end=digest.reserved_region_end,
            signed_attributes=attributes.dump(),
        )

    return run(prepare())


def p1363_to_der(signature: bytes) -> bytes:
    """WebCrypto's ECDSA gives r‖s (IEEE P1363); CMS wants the DER SEQUENCE of r and s."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if len(signature) != 64:
        raise BusinessError(_("签名格式不正确。"), code="bad_signature_format")
    return encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )


def signature_verify(*, certificate: x509.Certificate, message: bytes, signature: bytes) -> None:
    """`signature` is DER; raises BusinessError when it is not the certificate key's over
    `message`."""
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise BusinessError(_("证书公钥类型不支持。"), code="bad_key")
    try:
        public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise BusinessError(
            _("签名验证失败：签名与证书或文档不符，未签署。"), code="bad_signature"
        ) from error


def investor_finish(
    prepared: Prepared, *, certificate: x509.Certificate, signature_der: bytes
) -> bytes:
    signature_verify(
        certificate=certificate, message=prepared.signed_attributes, signature=signature_der
    )

    pieces = cms_der.pieces_of(certificate, company_chain())
    timestamper = company_timestamper()

    async def finish() -> bytes:
        # the CMS from DER pieces (signing/cms_der.py): the attributes the investor signed, their
        # signature, and the signature's timestamp (RFC 3161 over the signature value)
        token = await timestamper.async_timestamp(hashlib.sha256(signature_der).digest(), "sha256")
        signed_cms = cms.ContentInfo.load(
            cms_der.signed_data(
                content_type=cms_der.OID_DATA,
                content=None,
                signed_attrs=prepared.signed_attributes,
                signature=signature_der,
                pieces=pieces,
                unsigned_attrs=[cms_der.attribute(cms_der.OID_SIGNATURE_TIME_STAMP, token.dump())],
            )
        )
        output = io.BytesIO(prepared.pdf)
        digest = PreparedByteRangeDigest(
            document_digest=prepared.document_digest,
            reserved_region_start=prepared.reserved_start,
            reserved_region_end=prepared.reserved_end,
        )
        await PdfTBSDocument.async_finish_signing(output, digest, signed_cms)
        return output.getvalue()

    return run(finish())


class SealSigner(Signer):
    """The company seal as a pyHanko signer whose CMS is assembled from DER pieces
    (signing/cms_der.py): pyHanko chooses the signed attributes (PAdES), the seal's key signs
    them, the TSA timestamps the signature. pyHanko's generic assembly took 15 ms of the ~60 ms
    the seal costs on a 2-page contract."""

    def __init__(self, *, key: KeyHandle, certificate: x509.Certificate) -> None:
        chain = company_chain()
        super().__init__(
            signing_cert=as_asn1(certificate),
            cert_registry=SimpleCertificateStore.from_certs([as_asn1(c) for c in chain]),
        )
        self._key = key
        self._pieces = cms_der.pieces_of(certificate, chain)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if digest_algorithm != "sha256":
            raise ValueError("the seal signs with ECDSA over SHA-256 only")
        return bytes(72) if dry_run else self._key.sign(data)

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: Any = None,
        signed_attr_settings: Any = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        if dry_run or encap_content_info is not None or timestamper is None:
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        attributes = await self.signed_attrs(
            data_digest,
            digest_algorithm,
            attr_settings=signed_attr_settings,
            use_pades=use_pades,
            timestamper=timestamper,
            is_pdf_sig=is_pdf_sig,
        )
        signed_attrs = attributes.dump()
        signature = await self.async_sign_raw(signed_attrs, digest_algorithm)
        token = await timestamper.async_timestamp(hashlib.sha256(signature).digest(), "sha256")
        return cms.ContentInfo.load(
            cms_der.signed_data(
                content_type=cms_der.OID_DATA,
                content=None,
                signed_attrs=signed_attrs,
                signature=signature,
                pieces=self._pieces,
                unsigned_attrs=[cms_der.attribute(cms_der.OID_SIGNATURE_TIME_STAMP, token.dump())],
            )
        )


def company_seal(pdf: bytes, *, reason: str, seal_png: bytes) -> bytes:
    seal = company_key(CompanyRole.SEAL)
    signer = SealSigner(key=key_handle(seal), certificate=certificate_of(seal))
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        validation_context=validation_context(),
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=company_timestamper(),
        stamp_style=ImageStampStyle(image_png=seal_png, caption="盖章时间 {time}"),
        new_field_spec=_seal_field(),  # only used when the field is not there yet
    )

    async def sign() -> bytes:
        # a fixed reservation spares pyHanko a dry run (and a second timestamp) to size it
        output = await pdf_signer.async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=BYTES_RESERVED
        )
        return output.getvalue()

    return run(sign())
