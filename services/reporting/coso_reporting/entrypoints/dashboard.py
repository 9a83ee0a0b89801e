"""The dashboard page (Vietnamese): every authority's indicators as a table, indented by
hierarchy, with bars for the subtree counts. Rendered on the server from the same answer as
`GET /indicators`; it refreshes itself every 30 seconds."""

from __future__ import annotations

from html import escape
from typing import Any

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="30">
<title>coso — Chỉ tiêu xây dựng tổ chức đảng, đoàn thể trong doanh nghiệp</title>
<style>
 body {{ font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #222; }}
 h1 {{ font-size: 1.4rem; color: #a50e0e; }}
 table {{ border-collapse: collapse; min-width: 60rem; }}
 th, td {{ border: 1px solid #ccc; padding: .35rem .6rem; text-align: right; }}
 th {{ background: #f3e9e9; }}
 td.name {{ text-align: left; }}
 .bar {{ display: inline-block; height: .7rem; background: #c62828; vertical-align: middle; }}
 .muted {{ color: #777; font-size: .85rem; }}
</style>
</head>
<body>
<h1>Phát triển đảng viên và tổ chức cơ sở đảng trong doanh nghiệp ngoài khu vực nhà nước</h1>
<p class="muted">Số liệu theo đơn vị (trực tiếp) và toàn hệ thống trực thuộc (cộng dồn).
Cập nhật từ sự kiện: {positions}</p>
<table>
<thead>
<tr><th rowspan="2">Đơn vị</th><th colspan="2">Doanh nghiệp</th>
<th colspan="2">Quần chúng ưu tú được giới thiệu</th></tr>
<tr><th>trực tiếp</th><th>cộng dồn</th><th>trực tiếp</th><th>cộng dồn</th></tr>
</thead>
<tbody>
{rows}
</tbody>
</table>
<p class="muted">Dữ liệu dạng JSON: <a href="/indicators">/indicators</a></p>
</body>
</html>
"""


def render(answer: dict[str, Any]) -> str:
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
    return PAGE.format(rows="\n".join(rows), positions=positions or "chưa có")
