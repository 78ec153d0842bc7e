"""The admin's lists and forms are valid HTML to the Nu HTML checker (vnu.jar, installed by `make test` with npm ci
from package-lock.json, and run with Java), checked in one run of the checker for all the pages."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from civicspace.dates import DatePrecision
from tests.admin_records import PROJECT_ADMINS, admin_url, build

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.django_db
def test_the_admin_lists_and_forms_have_no_html_error(reviewer_client, tmp_path):
    assert VNU.exists(), f"No Nu HTML checker at {VNU}: run `make test`, or `npm ci`, to install it."
    java = shutil.which("java")
    assert java, "The Nu HTML checker needs Java: apt-get install default-jre-headless."
    pages = []
    for model_admin in PROJECT_ADMINS:
        record = build(model_admin, DatePrecision.DAY, "reviewer")
        for view, args in [("changelist", []), ("add", []), ("change", [record.pk])]:
            response = reviewer_client.get(admin_url(model_admin, view, *args))
            assert response.status_code == 200
            page = tmp_path / f"{model_admin.opts.model_name}-{view}.html"
            page.write_bytes(response.content)
            pages.append(page)

    # A fixed command on files this test wrote.
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    messages = json.loads(checked.stdout)["messages"]
    assert [(Path(message["url"]).name, message.get("lastLine"), message["message"]) for message in messages] == []
