from coso_reporting.entrypoints.dashboard import render


def authority(authority_id: str, name: str, parent: str | None, own: int, subtree: int) -> dict:
    return {
        "authority_id": authority_id,
        "name": name,
        "parent_id": parent,
        "own": {"enterprises": own, "candidates_proposed": own},
        "subtree": {"enterprises": subtree, "candidates_proposed": subtree},
    }


def test_the_dashboard_lists_subordinates_under_their_superior_with_escaped_names() -> None:
    page = render(
        {
            "authorities": [
                authority("hn.ba-dinh", "Đảng ủy phường <Ba Đình>", "hn", 2, 2),
                authority("hn", "Thành ủy Hà Nội", None, 0, 2),
            ],
            "positions": {"/coso/local/registry": 7},
        }
    )
    assert page.index("Thành ủy Hà Nội") < page.index("Đảng ủy phường &lt;Ba Đình&gt;")
    assert "<Ba Đình>" not in page
    assert "/coso/local/registry #7" in page
    assert 'lang="vi"' in page


def test_an_empty_projection_says_there_is_no_data_yet() -> None:
    assert "Chưa có dữ liệu." in render({"authorities": [], "positions": {}})


def test_the_chart_library_is_served_from_the_package_and_nothing_outside_static() -> None:
    from coso_reporting.entrypoints.dashboard import static_file

    found = static_file("chart.umd.min.js")
    assert found is not None and found[1] == "text/javascript" and b"Chart.js v4" in found[0][:200]
    assert static_file("../dashboard.py") is None
    assert static_file("missing.js") is None


def test_the_page_loads_chart_js_locally_never_from_a_cdn() -> None:
    page = render({"authorities": [], "positions": {}})
    assert '<script src="/static/chart.umd.min.js"></script>' in page
    assert "http://" not in page and "https://" not in page
