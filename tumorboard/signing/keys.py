"""A chair's signing key: an ECDSA P-256 key and a self-signed X.509 certificate naming the chair.

The private key is kept as PKCS#8 encrypted with ``BestAvailableEncryption``; its passphrase is
not the password itself but a key derived from it with argon2id (salt and cost kept beside it,
``kdf``), so the key is as slow to guess as the account's password hash and no weaker.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# cryptography's X.509 and the argon2 bindings are imported when a key is made, opened or
# fingerprinted (at sign-off), not with the app: they are no part of its start-up.

VALID_FOR = timedelta(days=3650)
ORGANISATION = "tumorboard signed minutes"
# argon2id: time cost, memory (KiB), parallelism: OWASP's recommended minimum (19 MiB, 2 passes).
KDF_COST = (2, 19456, 1)


class WrongKeyPassword(ValueError):
    """The private key does not open with this password (it was made under another password)."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    subject: str
    fingerprint: str  # hex SHA-256 of the DER certificate
    certificate_pem: str
    private_key_pem: str  # encrypted PKCS#8
    kdf: str  # "argon2id$t=2$m=19456$p=1$<salt, base64>"


def _passphrase(password: str, kdf: str) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    name, t, m, p, salt = kdf.split("$")
    if name != "argon2id":
        raise WrongKeyPassword(f"unknown key derivation {name!r}")
    derived = hash_secret_raw(password.encode("utf-8"), base64.b64decode(salt), time_cost=int(t[2:]),
                              memory_cost=int(m[2:]), parallelism=int(p[2:]), hash_len=32, type=Type.ID)
    return derived.hex().encode("ascii")


def fingerprint(certificate_pem: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def create_key(subject: str, username: str, password: str, now: datetime) -> SigningKey:
    """A new key and certificate for ``subject`` (the chair's name as the minutes print it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
                      x509.NameAttribute(NameOID.USER_ID, username)])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + VALID_FOR)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    t, m, p = KDF_COST
    kdf = f"argon2id$t={t}$m={m}$p={p}${base64.b64encode(secrets.token_bytes(16)).decode('ascii')}"
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(_passphrase(password, kdf)))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return SigningKey(subject, fingerprint(pem), pem, private.decode("ascii"), kdf)


def unlock(key: SigningKey, password: str) -> bytes:
    """The private key as unencrypted DER PKCS#8 (kept in memory only for the signature)."""
    from cryptography.hazmat.primitives import serialization

    try:
        private = serialization.load_pem_private_key(key.private_key_pem.encode("ascii"),
                                                     _passphrase(password, key.kdf))
    except (ValueError, TypeError):
        raise WrongKeyPassword("the signing key does not open with this password") from None
    return private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
