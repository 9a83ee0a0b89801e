"""`as_of` over HTTP and RPC: the day whose hierarchy a report is drawn on, refused clearly when
malformed, and an authority that did not exist that day answered with a problem naming it."""

from __future__ import annotations

import requests
from nameko.standalone.rpc import ClusterRpcProxy


def test_reports_take_as_of_and_refuse_a_malformed_day_naming_the_field(reporting_api: str, amqp_uri: str) -> None:
    period = {"authority_id": "hn", "from": "2024-01-01", "to": "2025-12-31"}
    for path in ("/reports/indicators", "/reports/admissions", "/reports/trend"):
        answer = requests.get(f"{reporting_api}{path}", params={**period, "as_of": "2025-06-30"}, timeout=5)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json()["as_of"] == "2025-06-30"
        bad = requests.get(f"{reporting_api}{path}", params={**period, "as_of": "30/06/2025"}, timeout=5)
        assert bad.status_code == 422, path
        assert (bad.json()["field"], bad.json()["rule"]) == ("as_of", "iso_date")

    before = requests.get(f"{reporting_api}/reports/indicators", params={**period, "as_of": "2019-12-31"}, timeout=5)
    assert before.status_code == 404
    assert before.json()["field"] == "authority_id" and "2019-12-31" in before.json()["detail"]

    listed = requests.get(f"{reporting_api}/indicators", params={"as_of": "2025-06-30"}, timeout=5).json()
    assert listed["as_of"] == "2025-06-30"
    assert {a["authority_id"] for a in listed["authorities"]} == {"hn", "hn.kcn"}
    assert requests.get(f"{reporting_api}/indicators", params={"as_of": "x"}, timeout=5).status_code == 422

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster:
        report = cluster.reporting.indicator_report("hn", "2024-01-01", "2025-12-31", as_of="2025-06-30")
        indicators = cluster.reporting.indicators("hn", as_of="2025-06-30")
    assert report["as_of"] == "2025-06-30"
    assert indicators["subtree"] == {"enterprises": 2, "candidates_proposed": 1}
