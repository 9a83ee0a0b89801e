"""Labour-federation proposals from CSV/XLSX files: validated like the AMQP inbox, once per proposal_id."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import Workbook
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_admissions.adapters.member_files import read_rows
from coso_admissions.application.commands import CandidatesOfAuthority
from coso_admissions.bootstrap import AdmissionsApp

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

CSV = "\n".join(
    [
        "proposal_id,federation,enterprise_tax_code,job_category,proposed_on,full_name,birth_date,national_id",
        "p-1,ldld-ha-noi,0100109106,production_worker,2025-09-01,Trần Văn Hải,1996-02-03,001096000111",
        "p-2,ldld-ha-noi,0100109106,astronaut,2025-09-01,,,",
        "p-3,ldld-ha-noi,0999999999,technician,2025-09-01,,,",
        "p-4,ldld-ha-noi,0100109106,technician,2999-01-01,,,",
        "p-5,ldld-ha-noi,0100109106,security_guard,2025-09-02,Lê Thị Hoa,,",
    ]
)


@pytest.fixture
def known(app: AdmissionsApp, registry: Any) -> AdmissionsApp:
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    return app


def test_a_proposals_file_applies_good_rows_and_reports_each_bad_row_with_field_and_rule(known: AdmissionsApp) -> None:
    report = known.federation.import_rows(read_rows(CSV.encode()))

    assert (report["proposed"], report["duplicates"], report["refused"]) == (1, 0, 4)
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["proposal_id"] == "p-1"
    assert (by_row[3]["field"], by_row[3]["rule"]) == ("job_category", "enum")
    assert (by_row[4]["field"], by_row[4]["rule"]) == ("enterprise_tax_code", "registered in the registry")
    assert by_row[5]["field"] == "proposed_on"
    assert by_row[6]["field"] == "birth_date"
    [candidate] = known.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))
    assert candidate["source_channel"] == "labour_federation"
    assert known.admissions.candidate(candidate["candidate_id"])["personal"]["full_name"] == "Trần Văn Hải"


def test_a_proposal_already_applied_by_file_or_queue_is_answered_as_a_duplicate_not_applied_again(
    known: AdmissionsApp,
) -> None:
    first = known.federation.import_rows(read_rows(CSV.encode()))

    again = known.federation.import_rows(read_rows(CSV.encode()))

    assert (again["proposed"], again["duplicates"]) == (0, 1)
    assert again["rows"][0]["candidate_id"] == first["rows"][0]["candidate_id"]
    assert len(known.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))) == 1


def test_an_xlsx_proposals_file_is_posted_over_http_and_answers_the_report(service: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in CSV.splitlines()[:2]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)

    answer = service.post_proposals_file(
        Request(
            EnvironBuilder(method="POST", path="/federation/proposals/import", data=buffer.getvalue()).get_environ()
        )
    )

    assert answer.status_code == 200
    report = json.loads(answer.get_data())
    assert (report["proposed"], report["refused"]) == (1, 0)


def test_the_command_line_applies_a_proposals_file_and_lists_the_refused_rows(
    on_the_command_line: tuple[Any, Any, Any], tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from coso_admissions.entrypoints.cli import app as cli

    _, config, registry = on_the_command_line
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    proposals = tmp_path / "proposals.csv"
    proposals.write_text(CSV, encoding="utf-8")

    first = CliRunner().invoke(cli, ["import-proposals", str(proposals), "--config", str(config)])
    again = CliRunner().invoke(cli, ["import-proposals", str(proposals), "--config", str(config)])
    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(CSV.splitlines()[:2]), encoding="utf-8")
    applied = CliRunner().invoke(cli, ["import-proposals", str(clean), "--config", str(config)])

    assert first.exit_code == 1
    assert "row 3: job_category:" in first.output and "(rule: enum)" in first.output
    assert "1 proposal(s) applied, 0 already applied, 4 row(s) refused" in first.output
    assert "0 proposal(s) applied, 1 already applied, 4 row(s) refused" in again.output
    assert "row 2:" not in first.output
    assert (applied.exit_code, applied.output) == (
        0,
        "admissions: 0 proposal(s) applied, 1 already applied, 0 row(s) refused\n",
    )
