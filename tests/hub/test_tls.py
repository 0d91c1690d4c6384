"""wss: the hub serves TLS when given a certificate, and a client that trusts it connects."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.factories import small_mall
from tests.hub.harness import device, running_hub

pytestmark = pytest.mark.integration


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_wss_with_a_self_signed_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "hub.crt", tmp_path / "hub.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db",
                               ssl_context=server_context) as (_, url):
            assert url.startswith("wss://")
            async with device(url, "kiosk-1", ssl_context=client_context) as kiosk:
                assert kiosk.welcome["type"] == "welcome"
                answer = await kiosk.request("issue_ticket", service_id="ktp")
                assert answer["events"][0]["label"] == "A-001"
            untrusting = ssl.create_default_context()
            with pytest.raises(ssl.SSLCertVerificationError):
                async with device(url, "kiosk-1", ssl_context=untrusting):
                    pass

    asyncio.run(asyncio.wait_for(scenario(), 60))
