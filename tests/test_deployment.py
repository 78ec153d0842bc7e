"""What a deployment relies on: static files served without DEBUG, and settings that refuse to start unsafe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_collected_static_files_are_served_with_debug_off(client, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()


def start_settings(**environ):
    """Import the settings in a fresh interpreter with only ``environ``; return the process result."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import civicspace.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = start_settings(DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_start_with_a_secret_key():
    assert start_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50).returncode == 0
