"""The dashboard end to end in headless Chromium (Debian's `chromium`) against the running service.

Chromium loads `/` with the authority and period in the query, runs the dashboard's
script (Chart.js served by the service itself) until the network is idle, and dumps the
DOM: the pickers, the tables, the charts and the export links must be filled in.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

CHROMIUM = "/usr/bin/chromium"


def chromium() -> str:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found is None:
        pytest.fail(
            f"headless Chromium is missing ({CHROMIUM}): install Debian's package "
            "(apt-get update && apt-get install -y chromium)"
        )
    return found


def headless(*arguments: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


def test_the_dashboard_shows_pickers_report_charts_plans_and_export_buttons(reporting_api: str, tmp_path: Path) -> None:
    plan = {
        "plan_id": "hn-2025",
        "authority_id": "hn",
        "title": "Kế hoạch phát triển đảng viên năm 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    assert requests.post(f"{reporting_api}/plans", json=plan, timeout=5).status_code == 201
    target = {"value": 4}
    assert requests.put(f"{reporting_api}/plans/hn-2025/targets/candidates_proposed", json=target, timeout=5).ok

    url = f"{reporting_api}/?authority_id=hn&from=2024-01-01&to=2025-06-30"
    dom = headless("--dump-dom", url, profile=tmp_path / "profile").stdout

    assert 'data-ready="1"' in dom, dom[-3000:]
    assert 'id="error" role="alert"></p>' in dom, "the dashboard reported an error"
    assert re.search(r'<option value="hn\.kcn">\s*(&nbsp;|\u00a0)+Đảng ủy hn\.kcn</option>', dom)
    assert "Tổng cộng</td><td>2</td><td>1</td>" in dom  # enterprises and candidates in the period
    assert "Kế hoạch phát triển đảng viên năm 2025" in dom and "Quần chúng ưu tú được giới thiệu" in dom
    assert "Chậm tiến độ" in dom or "Đạt tiến độ" in dom
    for chart in ("chart-trend", "chart-channels", "chart-units", "chart-plans", "chart-coverage"):
        drawn = re.search(rf'id="{chart}"[^>]*data-points="(\d+)"', dom) or re.search(
            rf'data-points="(\d+)"[^>]*id="{chart}"', dom
        )
        assert drawn and int(drawn.group(1)) > 0, f"{chart} was not drawn"
    assert 'href="/reports/indicators.xlsx?authority_id=hn&amp;from=2024-01-01&amp;to=2025-06-30"' in dom
    assert 'href="/reports/indicators.pdf?' in dom
    assert 'id="export-admissions-xlsx" href="/reports/admissions.xlsx?authority_id=hn&amp;from=2024-01-01' in dom
    assert "/plans/hn-2025/progress.pdf?as_of=2025-06-30" in dom
    # The coverage report's table: hn.kcn's enterprise and hn's own, both without organization or union.
    coverage = re.search(r'<table class="fact-table" data-section="units">(.*?)</table>', dom, re.S)
    assert coverage, "the coverage table is missing"
    assert re.search(r"Đảng ủy hn\.kcn</td><td>1</td><td>0</td><td>0</td>", coverage.group(1))
    assert "Tổng cộng</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td>" in coverage.group(1)
    assert 'id="fact-export-pdf" href="/reports/coverage.pdf?authority_id=hn' in dom

    screenshot = tmp_path / "dashboard.png"
    headless(f"--screenshot={screenshot}", "--window-size=1400,1600", url, profile=tmp_path / "profile2")
    assert screenshot.stat().st_size > 20_000  # a page with charts, not a blank one


def test_the_as_of_picker_passes_its_day_to_the_reports_and_their_export_links(
    reporting_api: str, tmp_path: Path
) -> None:
    url = f"{reporting_api}/?authority_id=hn&from=2024-01-01&to=2025-06-30&as_of=2025-06-30"
    dom = headless("--dump-dom", url, profile=tmp_path / "profile").stdout

    assert 'data-ready="1"' in dom, dom[-3000:]
    assert 'id="error" role="alert"></p>' in dom, "the dashboard reported an error"
    assert re.search(r'<input type="date" id="as-of" name="as_of"[^>]*>', dom)
    assert "Tính đến ngày" in dom
    assert (
        'href="/reports/indicators.xlsx?authority_id=hn&amp;from=2024-01-01&amp;to=2025-06-30&amp;as_of=2025-06-30"'
        in dom
    )
    assert "Tổng cộng</td><td>2</td><td>1</td>" in dom
