"""The hub's own certificate pinned by devices, and backups of a running hub's log."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
import ssl
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hub.__main__ import main
from hub.backup import BackupError, existing_backups, make_backup, restore_backup
from hub.client.tls import PinMismatch, normalise_fingerprint, pinned_context
from hub.tls import ensure_certificate, fingerprint_of_file, server_context
from hub.verify import verify_chain
from tests.deploy.hubproc import ROOT
from tests.factories import small_mall
from tests.hub.harness import device, running_hub

pytestmark = pytest.mark.integration


def test_the_certificate_is_made_once_with_a_private_key(tmp_path: Path) -> None:
    cert, key, created = ensure_certificate(tmp_path / "tls", ["10.20.0.1", "antrean-hub"])
    assert created and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700
    again = ensure_certificate(tmp_path / "tls")
    assert again == (cert, key, False)
    from cryptography import x509

    names = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert "antrean-hub" in names.get_values_for_type(x509.DNSName)
    assert "10.20.0.1" in {str(a) for a in names.get_values_for_type(x509.IPAddress)}
    key.unlink()
    with pytest.raises(Exception, match="does not"):
        ensure_certificate(tmp_path / "tls")


def test_fingerprints_read_in_every_usual_spelling(tmp_path: Path) -> None:
    cert, _, _ = ensure_certificate(tmp_path)
    printed = fingerprint_of_file(cert)
    openssl = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint",
                              "-sha256"], capture_output=True, text=True, check=True).stdout
    assert normalise_fingerprint(openssl.strip()) == printed
    assert normalise_fingerprint(printed.replace(":", "").lower()[6:]) == printed
    with pytest.raises(ValueError, match="64 hex"):
        normalise_fingerprint("SHA256:AB:CD")


def test_a_device_connects_to_the_pinned_hub_only(tmp_path: Path) -> None:
    cert, key, _ = ensure_certificate(tmp_path / "real")
    impostor_cert, impostor_key, _ = ensure_certificate(tmp_path / "impostor")
    pin = fingerprint_of_file(cert)

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db",
                               ssl_context=server_context(cert, key)) as (_, url):
            async with device(url, "kiosk-1", ssl_context=pinned_context(pin)) as kiosk:
                assert kiosk.welcome["type"] == "welcome"
                answer = await kiosk.request("issue_ticket", service_id="ktp")
                assert answer["events"][0]["label"] == "A-001"
        async with running_hub(small_mall(), tmp_path / "i.db",
                               ssl_context=server_context(impostor_cert, impostor_key)
                               ) as (server, url):
            with pytest.raises(PinMismatch) as refused:
                async with device(url, "kiosk-1", ssl_context=pinned_context(pin)):
                    pass
            assert refused.value.expected == pin
            assert refused.value.got == fingerprint_of_file(impostor_cert)
            # The handshake failed, so the hello (with the token) was never sent.
            assert server.health_report()["clients"] == {} or not any(
                server.health_report()["clients"].values())

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_a_blocking_socket_checks_the_pin_too(tmp_path: Path) -> None:
    cert, key, _ = ensure_certificate(tmp_path)
    wrong = "SHA256:" + ":".join(["00"] * 32)

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db",
                               ssl_context=server_context(cert, key)) as (_, url):
            port = int(url.rsplit(":", 1)[1])

            def handshake(pin: str) -> str:
                import socket

                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    with pinned_context(pin).wrap_socket(raw) as tls:
                        return str(tls.version())

            assert (await asyncio.to_thread(handshake, fingerprint_of_file(cert))).startswith(
                "TLS")
            with pytest.raises(PinMismatch):
                await asyncio.to_thread(handshake, wrong)

    asyncio.run(asyncio.wait_for(scenario(), 60))


def _events(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as connection:  # `with` alone keeps it open
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


def test_a_backup_taken_while_the_hub_writes_has_the_same_chain_head(tmp_path: Path) -> None:
    db = tmp_path / "var" / "antrean.db"
    db.parent.mkdir()
    backups = tmp_path / "backups"
    stamps = iter(dt.datetime(2026, 11, 23, 22, 0, n) for n in range(10))

    async def scenario() -> None:
        async with running_hub(small_mall(), db) as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                for _ in range(30):
                    await kiosk.request("issue_ticket", service_id="ktp")
                # The hub is open and serving: copy it now, with SQLite's online backup.
                result = await asyncio.to_thread(make_backup, db, backups, 2, next(stamps))
                with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as live:
                    head_now = verify_chain(live).head
                assert result.head == head_now and result.head.seq == _events(db)
                assert result.head.seq > 30
                more = await kiosk.request("issue_ticket", service_id="ktp")
                assert more["type"] == "result"  # the hub kept serving
                for _ in range(2):
                    await asyncio.to_thread(make_backup, db, backups, 2, next(stamps))

    asyncio.run(asyncio.wait_for(scenario(), 60))
    kept = existing_backups(backups)
    assert [p.name for p in kept] == ["antrean-20261123-220001.db", "antrean-20261123-220002.db"]
    assert not list(backups.glob("*.partial"))
    # `verify` on a backup: the same head the live log had when it was taken.
    verify = subprocess.run([sys.executable, "-m", "hub", "verify", "--db", str(kept[0]),
                             "--json"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert verify.returncode == 0, verify.stderr
    first = json.loads(verify.stdout)
    assert first["head"]["seq"] == _events(kept[0])


def test_restore_puts_a_backup_back_and_refuses_while_the_hub_runs(tmp_path: Path) -> None:
    db = tmp_path / "antrean.db"

    async def fill() -> None:
        async with running_hub(small_mall(), db) as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                await kiosk.request("issue_ticket", service_id="ktp")

    asyncio.run(fill())
    taken = make_backup(db, tmp_path / "b")

    async def running_then_restore() -> None:
        async with running_hub(small_mall(), db) as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                await kiosk.request("issue_ticket", "after-the-backup", service_id="ktp")
            with pytest.raises(BackupError, match="in use"):
                restore_backup(taken.path, db)

    asyncio.run(running_then_restore())
    assert _events(db) > taken.head.seq
    assert main(["restore", "--from", str(taken.path), "--db", str(db)]) == 0
    with sqlite3.connect(db) as connection:
        assert verify_chain(connection).head == taken.head


def test_backup_command_says_what_it_wrote(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(tmp_path / "missing.db"), "--to", str(tmp_path)]) == 1
    assert "is not a database file" in capsys.readouterr().err
    db = tmp_path / "antrean.db"

    async def fill() -> None:
        async with running_hub(small_mall(), db) as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                await kiosk.request("issue_ticket", service_id="ktp")

    asyncio.run(fill())
    assert main(["backup", "--db", str(db), "--to", str(tmp_path / "b"), "--keep", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"backup: {tmp_path / 'b'}/antrean-") and "chain head" in out


def test_ssl_module_is_what_the_pin_relies_on() -> None:
    context = pinned_context("00" * 32)
    assert context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
