"""Attacks on the material store, on both back-ends: object keys that climb out of the
store, a folder others can read, a credentials file others can read, a wrong key pair.
`portal doctor` and `portal serve` run as their own processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.s3_server import S3Server
from portal.blobs import open_blobs
from portal.errors import ChecksumMismatch, Invalid
from tests.reliability.portal_process import ROOT
from tests.reliability.test_faults import free_port
from tests.security.conftest import Window

ESCAPES = [
    "../escape",
    "ab/../../escape",
    "/tmp/escape",
    "ab//escape",
    "ab\\..\\escape",
    "..",
    "ab/./escape",
    "",
    "ab/escape\x00",
    "partial/AAAA/escape.3",  # an upload's chunk, not an object
]


def _escaped(root: Path) -> list[Path]:
    return [p for p in root.rglob("escape*")]


@pytest.mark.parametrize("key", ESCAPES)
def test_keys_that_leave_the_store_are_refused(
    blob_spec: str, tmp_path: Path, key: str, request: pytest.FixtureRequest
) -> None:
    blobs = open_blobs(blob_spec, tmp_path / "store" / "materials")
    attempts = [
        lambda: blobs.put(key, b"planted"),
        lambda: blobs.get(key),
        lambda: blobs.delete(key),
    ]
    if not key.startswith("partial/"):  # as an upload's own name, partial/... stays inside
        attempts += [lambda: blobs.append(key, 0, b"planted"), lambda: blobs.abort(key)]
    for attempt in attempts:
        with pytest.raises(Invalid) as info:
            attempt()
        assert info.value.status_code == 400 and "Invalid storage key" in info.value.message("en")
    assert _escaped(tmp_path) == []
    if blob_spec:
        server: S3Server = request.getfixturevalue("s3")
        assert _escaped(server.root.parent) == []


def test_a_traversing_hash_over_http_stores_nothing(owner: Window, tmp_path: Path) -> None:
    """A rogue terminal names its upload with ../ instead of a SHA-256."""
    root = owner.portal.app.state.materials.root
    with owner.api() as api:
        for name in ("..%2F..%2Fescape", "..%2Fportal.db", "%2E%2E%2Fescape"):
            reply = api.put(
                f"/materials/{name}", params={"offset": 0, "total": 7}, content=b"planted"
            )
            assert reply.status_code in (404, 422), reply.text
    assert _escaped(root.parent) == [] and not (root.parent / "portal.db.7").exists()


def _portal(*args: str, env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PORTAL_"))}
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", *args, "--lang", "en"],
        cwd=ROOT, env=clean | {"HOME": str(home)} | env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_shared_folder_others_can_read_is_named_and_refused(tmp_path: Path) -> None:
    """PORTAL_BLOBS=folder:/mnt/... (a network mount made by hand with mode 0755)."""
    mount = tmp_path / "mnt" / "materials"
    (mount / "ab").mkdir(parents=True)
    document = mount / "ab" / ("ab" * 32)
    document.write_bytes(b"a citizen's document")
    os.chmod(mount, 0o755)
    os.chmod(document, 0o644)
    env = {"PORTAL_BLOBS": f"folder:{mount}", "PORTAL_DB_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    doctor = _portal("doctor", env=env, home=tmp_path)
    assert doctor.returncode == 1
    assert "materials is mode 755" in doctor.stdout and "ab" * 32 in doctor.stdout
    serve = _portal("serve", "--port", str(free_port()), env=env, home=tmp_path)
    assert serve.returncode == 2 and "Refusing to start" in serve.stderr


def test_doctor_checks_the_bucket_and_its_keys(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    db = {"PORTAL_DB_URL": f"sqlite:///{tmp_path / 'p.db'}", "PORTAL_BLOBS": f"s3://{bucket}/m"}
    good = _portal("doctor", env=db | s3.env(), home=tmp_path)
    assert good.returncode == 0 and good.stdout.strip() == "ok", good.stdout + good.stderr
    wrong = s3.env() | {"AWS_SECRET_ACCESS_KEY": "guessed"}
    doctor = _portal("doctor", env=db | wrong, home=tmp_path)
    assert doctor.returncode == 1 and f"s3://{bucket}/m/ is not usable" in doctor.stdout
    assert "refused the key pair" in doctor.stdout and "AWS_SECRET_ACCESS_KEY" in doctor.stdout
    assert "guessed" not in doctor.stdout
    serve = _portal("serve", "--port", str(free_port()), env=db | wrong, home=tmp_path)
    assert serve.returncode == 2 and "Refusing to start" in serve.stderr


def test_a_credentials_file_others_can_read_is_named(s3: S3Server, tmp_path: Path) -> None:
    """The key pair in AWS_SHARED_CREDENTIALS_FILE (not argv, not the environment), but
    left 0644: doctor names it; at 0600 all is well and the bucket works through it."""
    keys = tmp_path / "s3-credentials"
    keys.write_text(
        f"[default]\naws_access_key_id = {s3.access_key}\naws_secret_access_key = {s3.secret_key}\n"
    )
    os.chmod(keys, 0o644)
    env = {
        "PORTAL_DB_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PORTAL_BLOBS": f"s3://{s3.new_bucket()}",
        "AWS_ENDPOINT_URL": s3.endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_SHARED_CREDENTIALS_FILE": str(keys),
    }
    doctor = _portal("doctor", env=env, home=tmp_path)
    assert doctor.returncode == 1 and f"{keys} is mode 644" in doctor.stdout
    assert "chmod 600" in doctor.stdout
    os.chmod(keys, 0o600)
    doctor = _portal("doctor", env=env, home=tmp_path)
    assert doctor.returncode == 0 and doctor.stdout.strip() == "ok", doctor.stdout


def test_wrong_bytes_never_become_an_object(blob_spec: str, tmp_path: Path) -> None:
    """An upload whose bytes are not those of the SHA-256 it claims is dropped whole."""
    blobs = open_blobs(blob_spec, tmp_path / "materials")
    claimed = hashlib.sha256(b"the real document").hexdigest()
    upload = f"AAAA/{claimed}.7"
    assert blobs.append(upload, 0, b"planted") == 7
    with pytest.raises(ChecksumMismatch):
        blobs.finish(upload, f"{claimed[:2]}/{claimed}", claimed, 7)
    assert not blobs.exists(f"{claimed[:2]}/{claimed}") and blobs.uploads() == []


@pytest.mark.parametrize("spec", ["ftp://host/materials", "s3://", "s3://bucket/../other"])
def test_a_store_setting_that_names_no_store_is_one_clear_line(spec: str, tmp_path: Path) -> None:
    env = {"PORTAL_BLOBS": spec, "PORTAL_DB_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    doctor = _portal("doctor", env=env, home=tmp_path)
    assert doctor.returncode == 2 and "Traceback" not in doctor.stderr
    assert "PORTAL_BLOBS must be" in doctor.stderr or "Invalid storage key" in doctor.stderr
