"""Over HTTPS, the request goes to the address that was checked while TLS still checks the
certificate against the host name: a receiver on 127.0.0.1 with a certificate for
"hooks.example.test", signed by a CA the sender trusts here, is reached; one whose certificate does
not verify gets nothing."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks import sender
from webhooks.addresses import Target
from webhooks.signature import signature_header, signature_verify

HOST = "hooks.example.test"
SECRET = "whsec_https_test"


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls(tmp_path):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test webhook CA")])
    ca = _certificate("test webhook CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(HOST, key, ca_name, ca_key, ca=False, names=[HOST])
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return tmp_path


@pytest.fixture
def https_receiver(tls):
    heard: list[tuple[str, bool]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            verified = signature_verify(
                secret=SECRET, header=self.headers["X-Webhook-Signature"], body=body
            )
            heard.append((self.headers["Host"], verified))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls / "leaf.pem", tls / "leaf.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], heard
    server.shutdown()
    server.server_close()


def _post(port: int):
    body = b'{"event": "witness.passed"}'
    target = Target(scheme="https", host=HOST, port=port, path="/in", address="127.0.0.1")
    headers = {"X-Webhook-Signature": signature_header(secret=SECRET, body=body)}
    return sender.post(target=target, body=body, headers=headers, timeout=5)


def test_https_reaches_the_checked_address_and_verifies_the_host_name(
    https_receiver, tls, monkeypatch
):
    # given the sender trusts the test CA (as it trusts the public ones in production)
    port, heard = https_receiver
    trusting = ssl.create_default_context(cafile=str(tls / "ca.pem"))
    monkeypatch.setattr(sender.ssl, "create_default_context", lambda: trusting)
    # and the host name resolves nowhere (the request must not look it up again)
    real = socket.getaddrinfo

    def only_addresses(host, *args, **kwargs):
        if host == HOST:
            raise socket.gaierror("the sender must connect to the checked address")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", only_addresses)
    # when
    answer = _post(port)
    # then
    assert (answer.status_code, answer.error) == (200, "")
    assert heard == [(f"{HOST}:{port}", True)]


def test_a_certificate_that_does_not_verify_is_an_error_and_nothing_is_heard(https_receiver):
    port, heard = https_receiver
    answer = _post(port)  # the system's CAs do not know the test CA
    assert answer.status_code is None
    assert answer.error == "SSLCertVerificationError"
    assert heard == []
