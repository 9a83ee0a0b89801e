"""The dashboard page (Vietnamese), served at `/`.

The server renders the hierarchy table of every authority's indicators (so the page says
something even without JavaScript); `static/dashboard.js` then adds the authority and
period pickers, the "as of" picker (*Tính đến ngày*: the day whose hierarchy the reports are
drawn on; empty means today), the charts (trend, source channels, results by subordinate, plan progress;
Chart.js, served locally from `static/`), the indicator
report table, the plans' progress and the export buttons, from the JSON endpoints; and the
fact reports: a coverage chart, the chosen report's tables and its export buttons.

With access control on, the page itself is open but holds only what the caller may view;
when the API refuses the script for want of a token, it shows the sign-in field (*Mã truy
cập*), which posts the token to `/session`; the server opens a session whose id (not the
token) the page's reads and export links then carry in an HttpOnly cookie; *Đăng xuất* ends it.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from typing import Any

STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>coso — Chỉ tiêu xây dựng tổ chức đảng, đoàn thể trong doanh nghiệp</title>
<style>
 body {{ font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 1.5rem 2rem; color: #222; }}
 h1 {{ font-size: 1.4rem; color: #a50e0e; }}
 h2 {{ font-size: 1.1rem; color: #a50e0e; margin-top: 2rem; }}
 table {{ border-collapse: collapse; min-width: 50rem; }}
 th, td {{ border: 1px solid #ccc; padding: .35rem .6rem; text-align: right; }}
 th {{ background: #f3e9e9; }}
 td.name {{ text-align: left; }}
 tr.totals td {{ font-weight: bold; }}
 .bar {{ display: inline-block; height: .7rem; background: #c62828; vertical-align: middle; }}
 .muted {{ color: #777; font-size: .85rem; }}
 .pickers {{ display: flex; gap: 1rem; align-items: end; flex-wrap: wrap; background: #faf5f5;
            padding: .8rem 1rem; border: 1px solid #eadada; }}
 .pickers label {{ display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }}
 .charts {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1.5rem; }}
 .chart {{ border: 1px solid #eee; padding: .5rem; height: 18rem; position: relative; }}
 a.button, button {{ background: #a50e0e; color: #fff; border: 0; padding: .45rem .9rem; text-decoration: none;
                     font-size: .9rem; border-radius: 3px; cursor: pointer; }}
 .behind {{ color: #b71c1c; font-weight: bold; }}
 .on-track {{ color: #2e7d32; }}
 #error, #sign-in-error {{ color: #b71c1c; }}
 #sign-in {{ margin-bottom: 1rem; }}
 #sign-out {{ float: right; }}
</style>
</head>
<body>
<button type="button" id="sign-out"{sign_out_hidden}>Đăng xuất</button>
<h1>Phát triển đảng viên và tổ chức cơ sở đảng trong doanh nghiệp ngoài khu vực nhà nước</h1>

<form class="pickers" id="sign-in" hidden>
 <label>Mã truy cập (API token) do quản trị viên cấp
  <input type="password" id="token" name="token" autocomplete="off" required></label>
 <button type="submit">Đăng nhập</button>
 <span id="sign-in-error" role="alert"></span>
</form>

<form class="pickers" id="pickers">
 <label>Đơn vị <select id="authority" name="authority_id"></select></label>
 <label>Từ ngày <input type="date" id="from" name="from"></label>
 <label>Đến ngày <input type="date" id="to" name="to"></label>
 <label title="Hệ thống tổ chức (đơn vị, tên gọi, sáp nhập) của ngày này; để trống: hôm nay">Tính đến ngày
  <input type="date" id="as-of" name="as_of"></label>
 <button type="submit">Xem báo cáo</button>
 <a class="button" id="export-xlsx" href="#">Xuất Excel</a>
 <a class="button" id="export-pdf" href="#">Xuất PDF</a>
 <a class="button" id="export-admissions-xlsx" href="#"
    title="Nguồn giới thiệu × vị trí việc làm, theo đơn vị">Báo cáo giới thiệu (Excel)</a>
 <a class="button" id="export-admissions-pdf" href="#">Báo cáo giới thiệu (PDF)</a>
</form>
<p id="error" role="alert"></p>

<div class="charts">
 <div class="chart"><canvas id="chart-trend" aria-label="Quần chúng ưu tú được giới thiệu theo tháng"></canvas></div>
 <div class="chart"><canvas id="chart-units" aria-label="Kết quả theo đơn vị trực thuộc"></canvas></div>
 <div class="chart"><canvas id="chart-channels" aria-label="Quần chúng ưu tú theo nguồn giới thiệu"></canvas></div>
 <div class="chart"><canvas id="chart-plans" aria-label="Tiến độ thực hiện chỉ tiêu"></canvas></div>
 <div class="chart"><canvas id="chart-coverage" aria-label="Doanh nghiệp có công đoàn, tổ chức đảng"></canvas></div>
</div>

<h2>Báo cáo chỉ tiêu theo đơn vị trong kỳ</h2>
<table id="report-table">
<thead>
<tr><th rowspan="2">STT</th><th rowspan="2">Đơn vị</th><th colspan="2">Trong kỳ</th><th colspan="2">Lũy kế</th></tr>
<tr><th>Doanh nghiệp</th><th>Quần chúng ưu tú</th><th>Doanh nghiệp</th><th>Quần chúng ưu tú</th></tr>
</thead>
<tbody><tr><td class="name" colspan="6">Đang tải…</td></tr></tbody>
</table>

<h2>Báo cáo chuyên đề</h2>
<div class="pickers">
 <label>Báo cáo <select id="fact-report">
  <option value="coverage">Doanh nghiệp có tổ chức đảng, công đoàn, đảng viên</option>
  <option value="organizations">Tổ chức đảng, tổ chức chính trị - xã hội được thành lập, giải thể</option>
  <option value="members">Cơ cấu đảng viên trong doanh nghiệp</option>
  <option value="ratings">Kết quả đánh giá, xếp loại chất lượng</option>
  <option value="pipeline">Tình hình phát triển đảng viên và thời hạn</option>
 </select></label>
 <a class="button" id="fact-export-xlsx" href="#">Xuất Excel</a>
 <a class="button" id="fact-export-pdf" href="#">Xuất PDF</a>
</div>
<div id="fact-report-tables"><p class="muted">Đang tải…</p></div>

<h2>Kế hoạch và chỉ tiêu</h2>
<table id="plans-table">
<thead><tr><th>Kế hoạch</th><th>Chỉ tiêu</th><th>Giao</th><th>Đã đạt</th><th>Tỷ lệ</th><th>Tiến độ yêu cầu</th>
<th>Đánh giá</th><th>Xuất</th></tr></thead>
<tbody><tr><td class="name" colspan="8">Đang tải…</td></tr></tbody>
</table>

<h2>Toàn hệ thống</h2>
<p class="muted">Số liệu theo đơn vị (trực tiếp) và toàn hệ thống trực thuộc (cộng dồn).
Cập nhật từ sự kiện: {positions}</p>
<table id="hierarchy-table">
<thead>
<tr><th rowspan="2">Đơn vị</th><th colspan="2">Doanh nghiệp</th>
<th colspan="2">Quần chúng ưu tú được giới thiệu</th></tr>
<tr><th>trực tiếp</th><th>cộng dồn</th><th>trực tiếp</th><th>cộng dồn</th></tr>
</thead>
<tbody>
{rows}
</tbody>
</table>
<p class="muted">Dữ liệu dạng JSON: <a href="/indicators">/indicators</a>, <a href="/plans">/plans</a></p>
<script src="/static/chart.umd.min.js"></script>
<script src="/static/dashboard.js"></script>
</body>
</html>
"""


def render(answer: dict[str, Any], signed_in: bool = False) -> str:
    """The page over the authorities of `answer` (those the caller may view); `signed_in`:
    the request carried the dashboard's session, so the page offers to sign out."""
    authorities = answer["authorities"]
    children: dict[str | None, list[dict[str, Any]]] = {}
    known = {a["authority_id"] for a in authorities}
    for authority in authorities:
        parent = authority["parent_id"] if authority["parent_id"] in known else None
        children.setdefault(parent, []).append(authority)
    widest = max((a["subtree"]["candidates_proposed"] for a in authorities), default=0) or 1
    rows: list[str] = []

    def add(parent: str | None, depth: int) -> None:
        for authority in children.get(parent, []):
            own, subtree = authority["own"], authority["subtree"]
            bar = int(120 * subtree["candidates_proposed"] / widest)
            rows.append(
                "<tr>"
                f'<td class="name" style="padding-left:{0.6 + 1.5 * depth}rem">{escape(authority["name"])}</td>'
                f"<td>{own['enterprises']}</td><td>{subtree['enterprises']}</td>"
                f"<td>{own['candidates_proposed']}</td>"
                f'<td>{subtree["candidates_proposed"]} <span class="bar" style="width:{bar}px"></span></td>'
                "</tr>"
            )
            add(authority["authority_id"], depth + 1)

    add(None, 0)
    if not rows:
        rows.append('<tr><td class="name" colspan="5">Chưa có dữ liệu.</td></tr>')
    positions = ", ".join(f"{escape(source)} #{position}" for source, position in answer["positions"].items())
    return PAGE.format(
        rows="\n".join(rows), positions=positions or "chưa có", sign_out_hidden="" if signed_in else " hidden"
    )


def static_file(name: str) -> tuple[bytes, str] | None:
    """A file of `static/` and its content type, or None (no paths outside it)."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    resource = files("coso_reporting.entrypoints").joinpath("static", name)
    if not resource.is_file():
        return None
    suffix = name[name.rfind(".") :] if "." in name else ""
    return resource.read_bytes(), STATIC_TYPES.get(suffix, "application/octet-stream")
