"""Members: enrolled by the pipeline, imported from CSV/XLSX, status changes, transfers between authorities."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_admissions.adapters.member_files import read_rows
from coso_admissions.application.commands import (
    ErasePerson,
    MembersOfAuthority,
    ProposeCandidate,
    ReceiveTransfer,
    StartTransfer,
    TransfersOfAuthority,
)
from coso_admissions.bootstrap import AdmissionsApp
from coso_admissions.domain.errors import StepOutOfOrder

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

HEADERS = (
    "member_id,authority_id,organization,job_category,status,admitted_on,official_on,full_name,birth_date,national_id"
)
CSV = "\n".join(
    [
        HEADERS,
        "m-an,hn.kcn-thang-long,Chi bộ Minh Phát,production_worker,official,2019-05-19,2020-05-19,"
        "Phạm Văn An,1990-01-02,001090000001",
        "m-bad,hn.kcn-thang-long,Chi bộ Minh Phát,astronaut,official,2019-05-19,2020-05-19,Vũ Thị Bé,1991-03-04,",
        "m-nowhere,hn.nowhere,Chi bộ X,technician,probationary,2025-05-19,,Đỗ Văn Cao,1999-09-09,",
        "m-binh,hn.kcn-thang-long,Chi bộ Minh Phát,security_guard,probationary,2025-05-19,,Hoàng Văn Bình,1992-02-02,",
    ]
)


@pytest.fixture
def known(app: AdmissionsApp, registry: Any) -> AdmissionsApp:
    registry.apply(
        registry.authority("hn.kcn-thang-long"),
        registry.authority("hn.ba-dinh"),
        registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"),
    )
    return app


def test_importing_a_csv_records_good_rows_and_reports_each_bad_row_with_field_and_rule(known: AdmissionsApp) -> None:
    report = known.members.import_members(read_rows(CSV.encode()))

    assert (report["imported"], report["refused"]) == (2, 2)
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["member_id"] == "m-an" and by_row[5]["member_id"] == "m-binh"
    assert (by_row[3]["field"], by_row[3]["rule"]) == ("job_category", "enum")
    assert (by_row[4]["field"], by_row[4]["rule"]) == ("authority_id", "registered in the registry")
    listed = known.members.members(MembersOfAuthority(authority_id="hn.kcn-thang-long"))
    assert {m["member_id"]: m["status"] for m in listed} == {"m-an": "official", "m-binh": "probationary"}
    assert known.members.member("m-an")["personal"]["full_name"] == "Phạm Văn An"
    assert "Phạm Văn An" not in "".join(e.data_json for e in known.store.read_after(0))


def test_importing_the_same_member_twice_is_reported_not_duplicated(known: AdmissionsApp) -> None:
    known.members.import_members(read_rows(CSV.encode()))

    again = known.members.import_members(read_rows(CSV.encode()))

    assert again["imported"] == 0
    assert {r["row"]: r.get("rule") for r in again["rows"]}[2] == "unique"


def test_an_xlsx_file_imports_like_a_csv(known: AdmissionsApp) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS.split(","))
    sheet.append(
        [
            "m-x",
            "hn.kcn-thang-long",
            "Chi bộ Minh Phát",
            "owner",
            "official",
            date(2018, 1, 5),
            date(2019, 1, 5),
            "Ngô Thị Xuân",
            date(1980, 6, 7),
            "001080000002",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)

    report = known.members.import_members(read_rows(buffer.getvalue()))

    assert report["imported"] == 1, report
    shown = known.members.member("m-x")
    assert shown["job_category"] == "owner" and shown["personal"]["birth_date"] == "1980-06-07"


def test_an_imported_member_is_erased_and_still_counted(known: AdmissionsApp) -> None:
    known.members.import_members(read_rows(CSV.encode()))

    known.admissions.erase_person("m-an", ErasePerson(reason="yêu cầu của chủ thể dữ liệu"))

    assert set(known.members.member("m-an")["personal"].values()) == {"erased"}
    assert len(known.members.members(MembersOfAuthority(authority_id="hn.kcn-thang-long"))) == 2


def test_a_transfer_to_another_authority_is_pending_on_both_sides_until_the_destination_confirms(
    known: AdmissionsApp,
) -> None:
    known.members.import_members(read_rows(CSV.encode()))
    known.members.start_transfer(
        "m-an",
        StartTransfer.model_validate(
            {
                "kind": "official",
                "to_organization": "Chi bộ Phường Ba Đình 3",
                "to_authority_id": "hn.ba-dinh",
                "on": "2025-10-01",
                "document": {"number": "15-GGT/ĐU", "issued_on": "2025-10-01"},
            }
        ),
    )

    [leaving] = known.members.transfers(TransfersOfAuthority(authority_id="hn.kcn-thang-long"))
    [arriving] = known.members.transfers(TransfersOfAuthority(authority_id="hn.ba-dinh"))
    assert leaving == arriving and leaving["present_by"] == "2025-10-31" and leaving["received_on"] is None

    known.members.receive_transfer(
        "m-an", leaving["transfer_id"], ReceiveTransfer(on=date(2025, 10, 6), body="Chi bộ Phường Ba Đình 3")
    )

    assert known.members.transfers(TransfersOfAuthority(authority_id="hn.ba-dinh")) == []
    assert [m["member_id"] for m in known.members.members(MembersOfAuthority(authority_id="hn.ba-dinh"))] == ["m-an"]
    with pytest.raises(StepOutOfOrder):
        known.members.receive_transfer("m-an", leaving["transfer_id"], ReceiveTransfer(on=date(2025, 10, 7), body="x"))


def test_the_pipeline_enrols_a_probationary_member_at_the_ceremony_and_recognition_makes_it_official(
    known: AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    proposal = ProposeCandidate.model_validate(
        {
            "enterprise_id": "ent-minh-phat",
            "source_channel": "youth_union",
            "job_category": "technician",
            "proposed_on": "2024-08-01",
        }
    )
    candidate_id = known.admissions.propose_candidate(proposal)["candidate_id"]
    for step, body in admission_path[:-1]:
        known.admissions.advance(candidate_id, step, body)
    assert known.members.member(candidate_id)["status"] == "probationary"

    known.admissions.advance(candidate_id, *admission_path[-1])

    member = known.members.member(candidate_id)
    assert (member["status"], member["official_on"], member["via"]) == ("official", "2026-04-01", "admission")
    assert member["organization"] == "Chi bộ Công ty Minh Phát"


def test_a_members_file_is_posted_over_http_and_answers_the_report(service: Any) -> None:
    request = Request(EnvironBuilder(method="POST", path="/members/import", data=CSV.encode()).get_environ())

    answer = service.post_members_file(request)

    assert answer.status_code == 200
    assert json.loads(answer.get_data())["imported"] == 2


def test_the_command_line_imports_a_members_file_and_lists_the_refused_rows(
    on_the_command_line: tuple[Any, Any, Any], tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from coso_admissions.entrypoints.cli import app as cli

    _, config, registry = on_the_command_line
    registry.apply(registry.authority("hn.kcn-thang-long"))
    members_file = tmp_path / "members.csv"
    members_file.write_text(CSV, encoding="utf-8")

    result = CliRunner().invoke(cli, ["import-members", str(members_file), "--config", str(config)])

    assert result.exit_code == 1
    assert "row 3: job_category" in result.output and "2 member(s) imported, 2 row(s) refused" in result.output


def test_the_command_line_names_a_configuration_it_cannot_read(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from coso_admissions.entrypoints.cli import app as cli

    missing, members_file = tmp_path / "missing.yml", tmp_path / "members.csv"
    members_file.write_text(CSV, encoding="utf-8")
    for command in (
        ["erase", "c-1", "--reason", "yêu cầu"],
        ["import-members", str(members_file)],
        ["import-proposals", str(members_file)],
    ):
        result = CliRunner().invoke(cli, [*command, "--config", str(missing)])
        assert result.exit_code == 2, (command, result.output)
        assert f"cannot read configuration {missing}" in result.output, command


def test_a_probationary_member_removed_by_the_pipeline_is_removed_from_the_members(
    known: AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    proposal = ProposeCandidate.model_validate(
        {
            "enterprise_id": "ent-minh-phat",
            "source_channel": "enterprise_trade_union",
            "job_category": "production_worker",
            "proposed_on": "2024-08-01",
        }
    )
    candidate_id = known.admissions.propose_candidate(proposal)["candidate_id"]
    for step, body in admission_path[:-1]:
        known.admissions.advance(candidate_id, step, body)

    known.admissions.advance(
        candidate_id, "removal", {"on": "2026-04-02", "body": "Đảng ủy Khối", "reason": "không được công nhận"}
    )

    assert known.admissions.candidate(candidate_id)["stage"] == "removed"
    member = known.members.member(candidate_id)
    assert member["status"] == "removed"
    assert member["history"][-1]["data"]["reason"] == "không được công nhận"


def test_a_members_annual_rating_is_recorded_counted_and_a_second_one_for_the_year_answers_409(
    service: Any,
) -> None:
    service.post_members_file(Request(EnvironBuilder(method="POST", data=CSV.encode()).get_environ()))
    rating = {"year": 2025, "rating": "good", "on": "2025-12-20", "body": "Chi bộ Minh Phát"}

    first = service.post_member_rating(json_request("/members/m-an/ratings", rating), "m-an")
    again = service.post_member_rating(json_request("/members/m-an/ratings", rating), "m-an")
    corrected = service.post_member_rating(
        json_request("/members/m-an/ratings", {**rating, "rating": "excellent", "correction_reason": "phúc tra"}),
        "m-an",
    )

    assert first.status_code == 201
    assert again.status_code == 409 and json.loads(again.get_data())["field"] == "year"
    assert corrected.status_code == 201
    assert json.loads(corrected.get_data())["ratings"] == {"2025": "excellent"}
    summary = service.get_ratings(
        Request(EnvironBuilder(query_string={"authority_id": "hn.kcn-thang-long", "year": "2025"}).get_environ())
    )
    assert json.loads(summary.get_data()) == {
        "authority_id": "hn.kcn-thang-long",
        "year": 2025,
        "rated": 1,
        "by_rating": {"excellent": 1},
    }


def json_request(path: str, body: Any) -> Request:
    return Request(EnvironBuilder(method="POST", path=path, data=json.dumps(body)).get_environ())
