"""The PAdES signature of signed minutes (pyHanko): sign the rendered PDF with the chair's key as
an incremental update (the rendered bytes stay a prefix of the signed file), and validate a PDF's
signatures against the certificates the database holds.

A PDF reader then shows who signed, when, and that the document is unchanged since.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader

# pyHanko (with aiohttp, its timestamp client) is about half of the app's imports: it is imported
# by the functions below, when minutes are signed or checked, never at start-up (a test keeps it so).

FIELD = "ChairSignature"


class UnreadablePdf(ValueError):
    """Not a PDF, or one too damaged to read."""


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What pyHanko's validator found for one signature of a PDF."""

    signer: str  # the certificate's common name
    fingerprint: str | None  # hex SHA-256 of the signer's DER certificate
    signed_at: datetime | None  # the signing time the signer reported
    intact: bool  # the signed bytes are unchanged (the digest matches)
    valid: bool  # the signature over them is cryptographically sound
    trusted: bool  # the certificate is one the database holds
    whole_file: bool  # nothing was added to the file after this signature

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file

    @property
    def problems(self) -> list[str]:
        out = []
        if not self.intact:  # then the validator checks nothing further: that is the finding
            return ["the document was changed after it was signed (its digest does not match)"]
        if not self.valid:
            out.append("the signature is not cryptographically valid")
        if not self.trusted:
            out.append("the signer's certificate is not one of this database's chairs'")
        if not self.whole_file:
            out.append("content was added to the file after the signature")
        return out


def _der(pem: str) -> bytes:
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    return base64.b64decode(body)


def sign_pdf(pdf: bytes, *, certificate_pem: str, private_key_der: bytes, signer_name: str,
             reason: str, location: str | None = None) -> bytes:
    """``pdf`` with a PAdES baseline signature (ETSI.CAdES.detached, SHA-256) appended."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(_der(certificate_pem))
    registry = SimpleCertificateStore.from_certs([cert])  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(signing_cert=cert, cert_registry=registry,
                                  signing_key=asn1_keys.PrivateKeyInfo.load(private_key_der))
    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES, reason=reason, name=signer_name,
                                        location=location)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out: io.BytesIO = signers.PdfSigner(meta, signer).sign_pdf(writer)
    return out.getvalue()


def reader(pdf: bytes) -> PdfFileReader:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise UnreadablePdf("not a PDF file (it does not start with %PDF-)")
    try:
        result = PdfFileReader(io.BytesIO(pdf), strict=False)
        result.root_ref.get_object()  # the catalogue: a damaged file fails here
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise UnreadablePdf(f"the PDF cannot be read ({exc})") from None
    return result


def keywords(pdf: bytes) -> str:
    """The document's Keywords (where a copy names the signed hash it is a copy of)."""
    from pyhanko.pdf_utils.misc import PdfError

    info: Any = reader(pdf).trailer_view.get("/Info")
    if info is None:
        return ""
    try:
        return str(info.get_object().get("/Keywords", ""))
    except (PdfError, ValueError, KeyError):
        return ""


@contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs each failed check with its traceback; the failure is reported, not logged."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def validate(pdf: bytes, trusted_pems: Sequence[str]) -> list[SignatureCheck]:
    """Every signature of ``pdf`` checked by pyHanko, trusting only ``trusted_pems``."""
    with _quiet():
        return _validate(pdf, trusted_pems)


def _validate(pdf: bytes, trusted_pems: Sequence[str]) -> list[SignatureCheck]:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(_der(pem)) for pem in trusted_pems]
    pdf_reader = reader(pdf)
    out = []
    for embedded in pdf_reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(embedded, signer_validation_context=context)
        except Exception as exc:  # a malformed signature is a failed check, not a crash
            out.append(SignatureCheck(f"(unreadable signature: {type(exc).__name__})", None, None, False,
                                      False, False, False))
            continue
        cert = status.signing_cert
        name = cert.subject.native.get("common_name", cert.subject.human_friendly)
        out.append(SignatureCheck(
            signer=str(name), fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
            signed_at=status.signer_reported_dt, intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE))
    return out
