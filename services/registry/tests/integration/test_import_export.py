"""Importing enterprises from spreadsheets with bad rows, idempotently, and exporting them."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from stdnum.vn import mst
from typer.testing import CliRunner

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.adapters.spreadsheets import read_rows
from coso_registry.application.commands import RegisterAuthority, RegisterEnterprise
from coso_registry.application.importing import EnterpriseImport
from coso_registry.entrypoints.cli import app as cli


def tax_codes(count: int, start: int = 10_000_000) -> list[str]:
    found: list[str] = []
    prefix = start
    while len(found) < count:
        candidate = f"0{prefix:08d}"
        code = candidate + str(mst.calc_check_digit(candidate))
        if mst.is_valid(code):
            found.append(code)
        prefix += 1
    return found


HEADER = [
    "Mã số thuế",
    "Tên doanh nghiệp",
    "authority_id",
    "ownership",
    "industrial_zone_id",
    "worker_count",
    "registered_on",
]


@pytest.fixture
def settings(database_url: str, amqp_uri: str) -> CosoSettings:
    return CosoSettings(service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0)


def config_file(settings: CosoSettings, tmp_path: Path) -> Path:
    """The configuration file the command line reads (`--config`)."""
    config = tmp_path / "registry.yml"
    config.write_text(
        "coso:\n  service: registry\n"
        f"  database_url: {settings.database_url}\n  amqp_uri: {settings.amqp_uri}\n"
        "  http_port: 0\n  metrics_port: 0\n"
    )
    return config


@pytest.fixture
def app(settings: CosoSettings) -> Iterator[bootstrap.RegistryApp]:
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    for authority_id, level, parent in (
        ("bn", "province", None),
        ("bn.a", "commune", "bn"),
        ("bn.kcn", "industrial_zone", "bn"),
    ):
        application.authorities.register(
            RegisterAuthority(
                authority_id=authority_id, name=authority_id, level=level, parent_id=parent, effective_from="2020-01-01"
            )
        )
    yield application
    application.store.engine.dispose()


def _spreadsheet(path: Path) -> Path:
    good = tax_codes(4)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(
        [int(good[0]), "Công ty May Quế Võ", "bn.a", "foreign_invested", "bn.kcn", 420, date(2023, 5, 2)]
    )  # row 2
    sheet.append(["0100109107", "Mã sai", "bn.a", None, None, 10, date(2023, 5, 2)])  # row 3: bad check digit
    sheet.append([good[1], "Công ty Ở đâu", "nowhere", None, None, 10, date(2023, 5, 2)])  # row 4: unknown authority
    sheet.append([good[0], "Trùng", "bn.a", None, None, 10, date(2023, 5, 2)])  # row 5: duplicate of row 2
    sheet.append([good[2], None, "bn.a", None, None, 10, date(2023, 5, 2)])  # row 6: missing name
    sheet.append([good[2][:-1] + "x", "Sai", "bn.a", None, None, -1, "hôm qua"])  # row 7: several faults
    sheet.append([good[3], "Hộ kinh doanh Minh", "bn.a", "household_business", None, 3, "2024-01-10"])  # row 8
    workbook.save(path)
    return path


def test_a_spreadsheet_with_bad_rows_imports_the_good_ones_and_reports_each_fault(
    app: bootstrap.RegistryApp, tmp_path: Path
) -> None:
    report = EnterpriseImport(app.unit_of_work, batch_size=3).run(read_rows(_spreadsheet(tmp_path / "dn.xlsx")))
    assert (report.rows, report.registered, report.rejected) == (7, 2, 5)
    faults = {(e.row, e.column) for e in report.errors}
    assert {(3, "tax_code"), (4, "authority_id"), (5, "tax_code"), (6, "name")} <= faults
    assert {(7, "worker_count"), (7, "registered_on")} <= faults
    assert "row 2" in next(e.reason for e in report.errors if e.row == 5)
    listed = {e["tax_code"]: e for e in app.registry.enterprises("bn.a")}
    assert listed[tax_codes(1)[0]]["industrial_zone_id"] == "bn.kcn"  # leading zero restored


def test_importing_the_same_file_twice_records_no_new_events(app: bootstrap.RegistryApp, tmp_path: Path) -> None:
    path = _spreadsheet(tmp_path / "dn.xlsx")
    EnterpriseImport(app.unit_of_work).run(read_rows(path))
    position = app.store.last_position()
    again = EnterpriseImport(app.unit_of_work).run(read_rows(path))
    assert (again.registered, again.changed, again.unchanged) == (0, 0, 2)
    assert app.store.last_position() == position


def test_a_changed_row_records_only_its_changes(app: bootstrap.RegistryApp, tmp_path: Path) -> None:
    code = tax_codes(1)[0]
    path = tmp_path / "dn.csv"
    path.write_text(f"tax_code,name,authority_id,worker_count,registered_on\n{code},Công ty A,bn.a,100,2023-01-01\n")
    EnterpriseImport(app.unit_of_work).run(read_rows(path))
    path.write_text(f"tax_code,name,authority_id,worker_count,registered_on\n{code},Công ty A,bn.a,150,2023-01-01\n")
    report = EnterpriseImport(app.unit_of_work, as_of=date(2025, 1, 1)).run(read_rows(path))
    assert report.changed == 1
    assert [e.event_type for e in app.store.read_after(0)][-1] == "WorkforceCounted"
    assert app.registry.enterprises("bn.a")[0]["worker_count"] == 150


def test_the_cli_writes_the_error_report_and_export_round_trips(
    app: bootstrap.RegistryApp, settings: CosoSettings, tmp_path: Path
) -> None:
    config = config_file(settings, tmp_path)
    source = _spreadsheet(tmp_path / "dn.xlsx")
    runner = CliRunner()
    imported = runner.invoke(cli, ["import-enterprises", str(source), "--config", str(config)])
    assert imported.exit_code == 1
    assert "2 registered" in imported.output and "5 rejected" in imported.output
    report = (tmp_path / "dn.xlsx.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row,column,reason" and report[1].startswith("3,tax_code,")
    for exported_name in ("all.csv", "all.xlsx"):
        exported = runner.invoke(cli, ["export-enterprises", str(tmp_path / exported_name), "--config", str(config)])
        assert exported.exit_code == 0, exported.output
        position = app.store.last_position()
        again = runner.invoke(cli, ["import-enterprises", str(tmp_path / exported_name), "--config", str(config)])
        assert again.exit_code == 0, again.output
        assert "2 unchanged" in again.output
        assert app.store.last_position() == position


def test_party_organizations_import_row_by_row_idempotently_and_round_trip_through_export(
    app: bootstrap.RegistryApp, settings: CosoSettings, tmp_path: Path
) -> None:
    first, second, third = tax_codes(3)
    for code in (first, second, third):
        app.registry.register_enterprise(
            RegisterEnterprise(tax_code=code, name=f"DN {code}", authority_id="bn.a", registered_on="2020-01-01")
        )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Mã tổ chức đảng", "Tên tổ chức đảng", "kind", "authority_id", "Mã số thuế", "Số quyết định",
                  "Ngày thành lập", "official_members"])  # fmt: skip
    sheet.append(["cb-1", "Chi bộ DN 1", "grassroots_cell", "bn.a", int(first), "1-QĐ", date(2024, 1, 5), 5])  # 2
    sheet.append(["cb-2", "Chi bộ ghép", "combined_cell", "bn.a", f"{second};{third}", "2-QĐ", "2024-02-01", 4])  # 3
    sheet.append(["cb-3", "Chi bộ lạ", "grassroots_cell", "bn.a", "0100109106", "3", "2024-02-01", 5])  # 4: unknown
    sheet.append(["cb-4", "Chi bộ nhỏ", "grassroots_cell", "bn.a", first, "4", "2024-02-01", 5])  # 5: covered
    sheet.append(["cb-5", "Chi bộ ít", "party_cell", "bn.a", third, "5", "2024-02-01", 2])  # 6: bad kind
    sheet.append(["cb-1", "Chi bộ DN 1", "grassroots_cell", "bn.a", first, "1-QĐ", "2024-01-05", 5])  # 7: twice
    source = tmp_path / "to-chuc.xlsx"
    workbook.save(source)
    config = config_file(settings, tmp_path)
    runner = CliRunner()
    imported = runner.invoke(cli, ["import-organizations", str(source), "--config", str(config)])
    assert imported.exit_code == 1, imported.output
    assert "2 registered" in imported.output and "4 rejected" in imported.output
    report = (tmp_path / "to-chuc.xlsx.errors.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert {tuple(line.split(",")[:2]) for line in report} == {
        ("4", "tax_codes"),
        ("5", "enterprise_ids"),
        ("6", "kind"),
        ("7", "organization_id"),
    }
    assert sorted(app.organizations.organization("cb-2")["enterprise_ids"]) == sorted(
        e["enterprise_id"] for e in app.registry.enterprises("bn.a") if e["tax_code"] in (second, third)
    )
    position = app.store.last_position()
    again = runner.invoke(cli, ["import-organizations", str(source), "--config", str(config)])
    assert "2 unchanged" in again.output and app.store.last_position() == position
    for exported_name in ("to-chuc.csv", "to-chuc-2.xlsx"):
        exported = runner.invoke(cli, ["export-organizations", str(tmp_path / exported_name), "--config", str(config)])
        assert exported.exit_code == 0, exported.output
        back = runner.invoke(cli, ["import-organizations", str(tmp_path / exported_name), "--config", str(config)])
        assert back.exit_code == 0, back.output
        assert "2 unchanged" in back.output and app.store.last_position() == position
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        "organization_id,name,kind,authority_id,tax_codes,decision_number,founded_on,official_members\n"
        f"cb-1,Chi bộ mới,grassroots_cell,bn.a,{first},1-QĐ,2024-01-05,5\n"
    )
    changed = runner.invoke(cli, ["import-organizations", str(renamed), "--config", str(config)])
    assert changed.exit_code == 1 and "row 2, name" in changed.output


def test_the_cli_refuses_a_file_that_is_not_a_spreadsheet_naming_it(
    app: bootstrap.RegistryApp, settings: CosoSettings, tmp_path: Path
) -> None:
    config = config_file(settings, tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("tax_code\n")
    runner = CliRunner()
    for command in ("import-enterprises", "import-organizations"):
        read = runner.invoke(cli, [command, str(notes), "--config", str(config)])
        assert read.exit_code == 2, read.output
        assert f"cannot read {notes}: notes.txt: expected a .csv or .xlsx file" in read.output
    for command in ("export-enterprises", "export-organizations"):
        written = runner.invoke(cli, [command, str(tmp_path / "out.txt"), "--config", str(config)])
        assert (written.exit_code, written.output) == (2, "out.txt: expected a .csv or .xlsx file\n")
