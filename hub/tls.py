"""The hub's own TLS certificate: made on first start, pinned by every device.

`python -m hub serve --tls-dir DIR` uses DIR/hub.crt and DIR/hub.key, creating them if
missing: a self-signed certificate (ECDSA P-256, ten years) for the hub's names and
addresses, and prints its SHA-256 fingerprint. Devices do not need a CA: their settings
file holds that fingerprint and `hub.client.tls.pinned_context` refuses any other
certificate. The names and addresses in it only matter to a browser (hall TVs, phones),
which will warn about a self-signed certificate anyway; an MPP that has a certificate
from the city's CA puts it in DIR instead (hub.crt with its chain, hub.key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import socket
import ssl
from collections.abc import Iterable
from pathlib import Path

CERT_NAME = "hub.crt"
KEY_NAME = "hub.key"


class TlsError(Exception):
    """The TLS folder cannot be used; the message says why."""


def fingerprint_of_der(der: bytes) -> str:
    """SHA256:AB:CD:… of a DER certificate, the form settings files and `openssl` print."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return "SHA256:" + ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def fingerprint_of_file(cert: Path) -> str:
    """The fingerprint of the first certificate in a PEM file."""
    pem = cert.read_text(encoding="ascii")
    return fingerprint_of_der(ssl.PEM_cert_to_DER_cert(pem))


def local_names(extra: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) this machine answers to, as far as it knows itself."""
    names = {"localhost"}
    addresses = {"127.0.0.1", "::1"}
    for name in (socket.gethostname(), socket.getfqdn(), *extra):
        if not name or name in ("0.0.0.0", "::"):
            continue
        try:
            ipaddress.ip_address(name)
        except ValueError:
            names.add(name)
        else:
            addresses.add(name)
            continue
        try:
            for info in socket.getaddrinfo(name, None):
                addresses.add(str(info[4][0]).split("%")[0])
        except OSError:
            pass  # a name the resolver does not know still goes into the certificate
    return sorted(names), sorted(addresses)


def ensure_certificate(folder: Path, extra_names: Iterable[str] = ()) -> tuple[Path, Path, bool]:
    """Return (cert, key, created): the folder's pair, made now if there is none."""
    cert, key = folder / CERT_NAME, folder / KEY_NAME
    if cert.exists() and key.exists():
        return cert, key, False
    if cert.exists() or key.exists():
        present, absent = (cert, key) if cert.exists() else (key, cert)
        raise TlsError(f"--tls-dir: {present} exists but {absent} does not; restore it, or "
                       f"remove {present} to have a new certificate made (every device's "
                       "fingerprint must then be updated)")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    names, addresses = local_names(extra_names)
    cert_pem, key_pem = make_self_signed(names, addresses)
    descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_pem)
    cert.write_bytes(cert_pem)
    return cert, key, True


def make_self_signed(names: list[str], addresses: list[str],
                     now: dt.datetime | None = None) -> tuple[bytes, bytes]:
    """A self-signed server certificate and its key (PEM) for these names and addresses."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, (names[-1] if names else "antrean-hub")[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Antrean MPP hub"),
    ])
    alternative: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alternative += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False,
                                     content_commitment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert_pem, key_pem


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The hub's server-side TLS context (TLS 1.2 or newer)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as error:
        raise TlsError(f"cannot load {cert} and {key}: {error}") from None
    return context
