"""The two supported deployments, checked as far as this machine allows.

* compose.yaml: parsed and checked for the promises in docs/deploy.md; validated by the Compose
  implementation when one is installed (``docker compose`` v2, or Debian's ``docker-compose``
  1.29 which checks against the Compose Specification's JSON schema). There is no container
  engine here, so images are neither built nor run.
* systemd units: ``systemd-analyze verify`` on copies whose paths point into this checkout.
* gunicorn with deploy/gunicorn.conf.py and the documented production settings answers
  /healthz and /readyz, and redirects plain HTTP to HTTPS.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.test_project import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_every_part_of_the_stack(compose):
    services = compose["services"]
    assert {"proxy", "web", "migrate", "beat", "db", "redis"} <= set(services)
    workers = {name for name, s in services.items() if "worker" in " ".join(s.get("command", []))}
    assert len(workers) >= 2
    assert "gunicorn" in services["web"]["command"]
    assert "443:443" in services["proxy"]["ports"]
    assert any("Caddyfile" in v for v in services["proxy"]["volumes"])
    assert (ROOT / "Dockerfile").is_file() and services["web"]["build"] == "."


def test_compose_workers_cover_every_queue(compose):
    from portal.queues import CONCERNS

    consumed: set[str] = set()
    for service in compose["services"].values():
        command = service.get("command", [])
        if "worker" in command:
            consumed |= set(command[command.index("-Q") + 1].split(","))
    assert consumed == set(CONCERNS) | {"celery"}
    # inbound EDI shares its worker with nothing slow
    edi = compose["services"]["worker-edi"]["command"]
    assert "analytics" not in edi[edi.index("-Q") + 1] and "email" not in edi[edi.index("-Q") + 1]


def test_compose_runs_exactly_one_beat(compose):
    beats = [name for name, s in compose["services"].items() if "beat" in s.get("command", [])]
    assert beats == ["beat"]
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1


def test_compose_keeps_archive_media_and_data_in_volumes(compose):
    volumes = " ".join(compose["x-app"]["volumes"])
    assert "edi:/app/var/edi" in volumes and "media:" in volumes
    assert {"edi", "media", "pgdata", "redis"} <= set(compose["volumes"])


def test_compose_takes_secrets_from_files_only(compose):
    env = compose["x-app"]["environment"]
    assert env["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert env["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    assert "SECRET_KEY" not in env and "DATABASE_URL" not in env
    assert all(s["file"].startswith("./secrets/") for s in compose["secrets"].values())
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
    env_file = (ROOT / "deploy" / "compose.env").read_text()
    assert "SECRET_KEY" not in env_file and "PASSWORD" not in env_file


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_file_validates_with_compose(tmp_path):
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Compose implementation installed (.ci/run installs Debian's docker-compose)")
    work = tmp_path / "stack"
    shutil.copytree(ROOT / "deploy", work / "deploy")
    shutil.copy(ROOT / "compose.yaml", work / "compose.yaml")
    (work / "secrets").mkdir()
    for name in ("secret_key", "db_password", "database_url"):
        (work / "secrets" / name).write_text("placeholder\n")
    result = subprocess.run([*cli, "-f", "compose.yaml", "config", "--quiet"], cwd=work, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_compose_validation_rejects_a_broken_file(tmp_path):
    """The validator above can fail: a typo in a service key is refused."""
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Compose implementation installed")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n    restartt: always\n")
    result = subprocess.run([*cli, "-f", "compose.yaml", "config", "--quiet"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0


@pytest.fixture
def units(tmp_path) -> Path:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    out = tmp_path / "units"
    out.mkdir()
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/opt/tsunagi/.venv/bin/", f"{Path(sys.executable).parent}/")
        text = text.replace("/opt/tsunagi/deploy/", f"{ROOT}/deploy/")
        (out / unit.name).write_text(text)
    return out


def test_systemd_units_verify(units):
    names = ["tsunagi-web.service", "tsunagi-worker@edi_inbound.service", "tsunagi-beat.service",
             "tsunagi-backup.service", "tsunagi-backup.timer", "tsunagi-purge.service", "tsunagi-purge.timer",
             "tsunagi.target"]
    result = subprocess.run(["systemd-analyze", "verify", *[f"./{n}" for n in names]], cwd=units,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Unknown" not in result.stderr, result.stderr


def test_systemd_verify_catches_mistakes(units):
    (units / "broken.service").write_text("[Service]\nExecStart=/nonexistent/gunicorn\nBogusKey=1\n")
    result = subprocess.run(["systemd-analyze", "verify", "./broken.service"], cwd=units, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0


def test_systemd_units_read_secrets_as_credentials_and_run_one_beat():
    for name in ("tsunagi-web.service", "tsunagi-worker@.service", "tsunagi-beat.service"):
        text = (UNITS / name).read_text()
        assert "LoadCredential=secret_key:" in text and "SECRET_KEY_FILE=%d/secret_key" in text
        assert "EnvironmentFile=/etc/tsunagi/tsunagi.env" in text
    assert not (UNITS / "tsunagi-beat@.service").exists()  # not a template: one beat, enabled on one host
    assert "-Q ${CELERY_QUEUE_PREFIX}%i" in (UNITS / "tsunagi-worker@.service").read_text()
    example = (ROOT / "deploy" / "tsunagi.env.example").read_text()
    assert "SECRET_KEY=" not in example and "DATABASE_URL=" not in example


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_documented_settings_serves_health_and_redirects_to_https(transactional_db, tmp_path):
    from django.db import connection

    from tests.worker import test_database_url

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    port = _free_port()
    secret = tmp_path / "secret_key"
    secret.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    dburl = tmp_path / "database_url"
    dburl.write_text(test_database_url())
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"})
    env.update({"SECRET_KEY_FILE": str(secret), "DATABASE_URL_FILE": str(dburl), "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "2", "STATIC_ROOT": str(tmp_path / "static"), "READYZ_MIN_FREE_BYTES": "1",
                "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "filesystem://"),
                "TSUNAGI_VAR_DIR": str(tmp_path / "var")})
    # about 35 s of CPU (whitenoise writes gzip and brotli copies of 42 MB of assets); minutes on a busy machine
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=10) as r:
                    assert r.status == 200 and b'"ok"' in r.read()
                break
            except OSError:  # refused while binding, or a timeout while the workers load the app
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode() if proc.poll() is not None else "gunicorn timeout")
                time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/readyz", timeout=10) as r:
            assert r.status == 200
        request = urllib.request.Request(f"{base}/accounts/login/", headers={"Host": "tsunagi.example.com"})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(NoRedirect).open(request, timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "https://tsunagi.example.com/accounts/login/"
        https = urllib.request.Request(f"{base}/accounts/login/",
                                       headers={"Host": "tsunagi.example.com", "X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(https, timeout=10) as r:
            assert r.status == 200
            assert "max-age=31536000" in r.headers["Strict-Transport-Security"]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "key"
    secret.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    dburl = tmp_path / "db"
    dburl.write_text("postgres://reader@db.internal:5432/from_file\n")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update({"SECRET_KEY_FILE": str(secret), "DATABASE_URL_FILE": str(dburl), "DJANGO_SETTINGS_MODULE": "portal.settings"})
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings as s; "
                          f"print(s.SECRET_KEY == open({str(secret)!r}).read().strip(), s.DATABASES['default']['NAME'])"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "from_file"], out.stderr
