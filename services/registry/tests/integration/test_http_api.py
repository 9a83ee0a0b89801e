"""The HTTP API of a running registry (nameko, SQLite), with access control switched on."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from typer.testing import CliRunner

from coso_backbone.testing import AMQP_URI, free_port, wait_healthy
from coso_registry.entrypoints.cli import app as cli


class Api:
    def __init__(self, url: str, config: Path) -> None:
        self.url = url
        self.config = config

    def token(self, user: str, authority: str, role: str) -> dict[str, str]:
        made = CliRunner().invoke(
            cli, ["create-token", user, "--grant", f"{authority}:{role}", "--config", str(self.config)]
        )
        assert made.exit_code == 0, made.output
        return {"Authorization": f"Bearer {made.output.strip()}"}

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers=headers, timeout=10)

    def get(self, path: str, headers: dict[str, str]) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=headers, timeout=10)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("registry-http")
    port = free_port()
    config = folder / "registry.yml"
    config.write_text(
        f"AMQP_URI: {AMQP_URI}\nWEB_SERVER_ADDRESS: 127.0.0.1:{port}\n"
        "coso:\n  service: registry\n"
        f"  database_url: sqlite:///{folder / 'registry.db'}\n"
        f"  amqp_uri: {AMQP_URI}\n  http_port: 0\n  metrics_port: 0\n"
        "  options:\n    access_control: true\n"
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--config", str(config)]).exit_code == 0
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            str(config),
            "coso_registry.entrypoints.service:RegistryService",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, "the registry to start")
        yield Api(url, config)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_api_checks_bearer_tokens_and_grants_and_answers_as_of_queries(api: Api) -> None:
    admin = api.token("quan-tri", "*", "administrator")
    assert api.get("/authorities", {}).status_code == 401
    assert api.get("/authorities", {"Authorization": "Bearer not-a-token"}).status_code == 401
    for authority_id, parent, since in (
        ("bn", None, "2020-01-01"),
        ("bn.a", "bn", "2020-01-01"),
        ("bn.b", "bn", "2020-01-01"),
        ("bn.c", "bn", "2020-01-01"),
        ("bn.abc", "bn", "2025-07-01"),
        ("bn.d", "bn", "2020-01-01"),
    ):
        level = "province" if parent is None else "commune"
        body = {"authority_id": authority_id, "name": authority_id, "level": level, "effective_from": since}
        assert api.post("/authorities", {**body, "parent_id": parent}, admin).status_code == 201
    merged = api.post(
        "/authority-mergers",
        {
            "merged_ids": ["bn.a", "bn.b", "bn.c"],
            "successor_id": "bn.abc",
            "effective_from": "2025-07-01",
            "legal_basis": "NQ 1658",
        },
        admin,
    )
    assert merged.status_code == 201, merged.text
    before = api.get("/authorities/bn/subtree?as_of=2025-06-30", admin).json()
    after = api.get("/authorities/bn/subtree?as_of=2025-07-01", admin).json()
    assert [n["authority_id"] for n in before] == ["bn", "bn.a", "bn.b", "bn.c", "bn.d"]
    assert [n["authority_id"] for n in after] == ["bn", "bn.abc", "bn.d"]
    assert api.get("/authorities/bn.b/successor?on=2025-07-01", admin).json()["successors"] == ["bn.abc"]
    assert api.get("/authorities?as_of=30-06-2025", admin).json()["field"] == "as_of"

    editor = api.token("can-bo-abc", "bn.abc", "editor")
    mine = api.post(
        "/enterprises",
        {"tax_code": "0100109106", "name": "DN 1", "authority_id": "bn.abc", "registered_on": "2025-08-01"},
        editor,
    )
    assert mine.status_code == 201, mine.text
    theirs = api.post(
        "/enterprises",
        {"tax_code": "0100109106001", "name": "DN 2", "authority_id": "bn.d", "registered_on": "2025-08-01"},
        editor,
    )
    assert theirs.status_code == 403 and theirs.json()["field"] == "authority_id"
    other = api.post(
        "/enterprises",
        {"tax_code": "0100109106001", "name": "DN 2", "authority_id": "bn.d", "registered_on": "2025-08-01"},
        admin,
    ).json()["enterprise_id"]
    assert [e["tax_code"] for e in api.get("/enterprises", editor).json()] == ["0100109106"]
    assert len(api.get("/enterprises", admin).json()) == 2
    assert api.get(f"/enterprises/{other}", editor).status_code == 403
    suspend = {"reason": "tạm ngừng", "effective_from": "2025-09-01"}
    assert api.post(f"/enterprises/{other}/suspend", suspend, editor).status_code == 403
    done = api.post(f"/enterprises/{mine.json()['enterprise_id']}/suspend", {**suspend, "expected_version": 1}, editor)
    assert done.status_code == 200 and done.json()["version"] == 2


def test_party_organizations_are_founded_and_seen_only_within_the_callers_subtree(api: Api) -> None:
    admin = api.token("quan-tri-2", "*", "administrator")
    for authority_id, parent in (("hy", None), ("hy.x", "hy"), ("hy.y", "hy")):
        level = "province" if parent is None else "commune"
        body = {"authority_id": authority_id, "name": authority_id, "level": level, "effective_from": "2020-01-01"}
        assert api.post("/authorities", {**body, "parent_id": parent}, admin).status_code == 201
    enterprise = api.post(
        "/enterprises",
        {"tax_code": "0100109106002", "name": "DN 3", "authority_id": "hy.y", "registered_on": "2021-01-01"},
        admin,
    ).json()["enterprise_id"]
    founding = {
        "name": "Chi bộ DN 3",
        "kind": "grassroots_cell",
        "authority_id": "hy.y",
        "enterprise_ids": [enterprise],
        "decision_number": "7-QĐ/ĐU",
        "founded_on": "2024-05-01",
        "official_members": 2,
    }
    too_small = api.post("/organizations", founding, admin)
    assert too_small.status_code == 422 and too_small.json()["field"] == "official_members"
    organization = api.post("/organizations", {**founding, "official_members": 4}, admin).json()["organization_id"]
    outsider = api.token("can-bo-x", "hy.x", "editor")
    assert api.get(f"/organizations/{organization}", outsider).status_code == 403
    assert api.get("/organizations", outsider).json() == []
    rename = {"name": "Chi bộ Công ty 3", "decision_number": "8", "effective_from": "2024-06-01"}
    assert api.post(f"/organizations/{organization}/rename", rename, outsider).status_code == 403
    insider = api.token("can-bo-y", "hy.y", "editor")
    assert api.post(f"/organizations/{organization}/rename", rename, insider).status_code == 200
    assert (
        api.get(f"/organizations/{organization}/size?on=2025-01-01", insider).json()["rule"]["min_founding_members"]
        == 3
    )
    union = api.post(
        "/mass-organizations",
        {
            "kind": "trade_union",
            "enterprise_id": enterprise,
            "name": "CĐCS DN 3",
            "founded_on": "2022-01-01",
            "members": 50,
        },
        insider,
    )
    assert union.status_code == 201, union.text
    union_id = union.json()["mass_organization_id"]
    counted = {"members": 64, "counted_on": "2024-12-31"}
    assert api.post(f"/mass-organizations/{union_id}/members", counted, outsider).status_code == 403
    assert api.post(f"/mass-organizations/{union_id}/members", counted, insider).status_code == 200
    assert api.get(f"/mass-organizations?enterprise_id={enterprise}", insider).json()[0]["members"] == 64
    assert api.get(f"/mass-organizations?enterprise_id={enterprise}", outsider).status_code == 403


def test_the_openapi_document_is_served_without_a_token(api: Api) -> None:
    served = api.get("/openapi.json", {})
    assert served.status_code == 200
    document = served.json()
    assert document["openapi"] == "3.1.0"
    assert "/authorities/{authority_id}/subtree" in document["paths"]
