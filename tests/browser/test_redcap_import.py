"""A clinic administrator imports the example REDCap project on a phone: a dry run first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, build_world
from tests.core.workers import run_database_worker
from tests.interop.test_redcap_import import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_runs_a_dry_run(page: Any, tmp_path: Path) -> None:
    world = build_world()
    paths = []
    for name, text in zip(
        ("dictionary.csv", "records.csv", "mapping.toml"), files(world), strict=True
    ):
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    log_in(page, world.clinic_admin.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    clinic_row = page.locator("ul.work-links li", has_text=world.clinic.name)
    clinic_row.get_by_role("link", name="import a REDCap project").click()
    page.wait_for_url("**/import/redcap/")
    for label, path in zip(("Data dictionary", "Records", "Mapping"), paths, strict=True):
        page.get_by_label(label).set_input_files(path)
    assert page.get_by_label("Check only").is_checked()
    page.get_by_role("button", name="Check or import").click()
    page.wait_for_url("**/import/redcap/*/")
    run_database_worker()
    page.get_by_text("Checked: no problems.").wait_for()  # the page polls until the job ends
    assert "3 patient" in page.locator("#redcap-state").inner_text()
