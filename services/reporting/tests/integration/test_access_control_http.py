"""Access control end to end: `nameko run` of reporting with access control on (SQLite),
tokens issued by `coso-reporting create-token`, every secured route of the OpenAPI document
refused without a token, and the dashboard signed in from its sign-in field in headless
Chromium (driven over the DevTools protocol on a pipe).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from typer.testing import CliRunner

from coso_backbone.consumer import Consumer, Incoming
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered
from coso_backbone.database import create_database_engine
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_backbone.migrate import upgrade_backbone
from coso_backbone.testing import AMQP_URI, WAIT_SECONDS, unique_name
from coso_reporting.adapters.projection import projection_handlers
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.entrypoints.cli import app as cli
from coso_reporting.entrypoints.openapi_routes import REPORTING_API
from services.reporting.tests.conftest import FakeDeadLetterSink, Producer, candidate_event, enterprise_event
from services.reporting.tests.integration.conftest import running_reporting
from services.reporting.tests.integration.test_dashboard_browser import chromium


class GuardedApi:
    def __init__(self, base: str, config: Path) -> None:
        self.base = base
        self.config = config

    def token(self, user: str, *grants: str) -> str:
        issued = CliRunner().invoke(
            cli, ["create-token", user, *[f"--grant={g}" for g in grants], "--config", str(self.config)]
        )
        assert issued.exit_code == 0, issued.output
        return issued.output.strip()


@pytest.fixture(scope="module")
def guarded_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardedApi]:
    """reporting with access control on, over hn and its communes hn.a and hn.b (one service
    for the module: starting one takes seconds)."""
    directory = tmp_path_factory.mktemp("guarded")
    run = unique_name("t")
    engines = []
    producers = []
    for name in ("registry", "admissions"):
        engine = create_database_engine(f"sqlite:///{directory / f'{name}.db'}")
        upgrade_backbone(engine)
        engines.append(engine)
        producers.append(Producer(name, EventStore(engine), f"/coso/{run}/{name}"))
    registry, admissions = producers

    def authority(authority_id: str, parent_id: str | None) -> Envelope:
        level = AuthorityLevel.PROVINCE if parent_id is None else AuthorityLevel.COMMUNE
        event = AuthorityRegistered(
            authority_id=authority_id,
            name=f"Đảng ủy {authority_id}",
            level=level,
            parent_id=parent_id,
            effective_from=date(2020, 1, 1),
        )
        return registry.record(f"authority-{authority_id}", event)

    envelopes = [
        authority("hn", None),
        authority("hn.a", "hn"),
        authority("hn.b", "hn"),
        registry.record("enterprise-e1", enterprise_event("e1", "hn.a")),
        registry.record("enterprise-e2", enterprise_event("e2", "hn.b")),
        admissions.record("candidate-c1", candidate_event("c1", "e1", "hn.a")),
    ]
    database_url = f"sqlite:///{directory / 'reporting.db'}"
    _project(database_url, envelopes)
    try:
        with running_reporting(directory, AMQP_URI, database_url, access_control=True) as base:
            yield GuardedApi(base, directory / "config.yml")
    finally:
        for engine in engines:
            engine.dispose()


def _project(database_url: str, envelopes: list[Envelope]) -> None:
    engine = create_database_engine(database_url)
    try:
        migrate_engine(engine)
        consumer = Consumer("reporting", engine, projection_handlers(), FakeDeadLetterSink())
        consumer.apply([Incoming.from_catch_up(e) for e in envelopes])
    finally:
        engine.dispose()


def test_every_secured_route_refuses_a_caller_without_a_token_and_the_open_ones_answer(guarded_api: GuardedApi) -> None:
    samples = {"plan_id": "hn.a-2025", "indicator": "candidates_proposed", "name": "coverage", "file_format": "xlsx"}
    refused = []
    for route in REPORTING_API.routes:
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: samples.get(m.group(1), "x"), route.path)
        answer = requests.request(
            route.method, f"{guarded_api.base}{path}", params={"authority_id": "hn.a"}, timeout=10
        )
        if route.secured:
            refused.append((route.method, route.path, answer.status_code, answer.json().get("field")))
        else:
            assert answer.status_code != 401, (route.method, route.path)
    assert refused and all(status == 401 and field == "Authorization" for *_, status, field in refused), refused


def test_tokens_from_the_command_line_open_their_subtree_over_http(guarded_api: GuardedApi) -> None:
    editor = guarded_api.token("ba@hn.a", "hn.a:editor")
    viewer = guarded_api.token("an@hn.b", "hn.b:viewer")
    plan = {
        "plan_id": "hn.a-2025",
        "authority_id": "hn.a",
        "title": "Kế hoạch năm 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    adopted = requests.post(f"{guarded_api.base}/plans", json=plan, headers={"Authorization": f"Bearer {editor}"})
    assert adopted.status_code == 201, adopted.text
    refused = requests.get(
        f"{guarded_api.base}/plans/hn.a-2025/progress", headers={"Authorization": f"Bearer {viewer}"}, timeout=10
    )
    assert (refused.status_code, refused.json()["field"]) == (403, "plan_id")

    session = requests.Session()
    assert session.post(f"{guarded_api.base}/session", json={"token": editor}, timeout=10).status_code == 200
    report = session.get(f"{guarded_api.base}/reports/coverage.pdf", params={"authority_id": "hn.a"}, timeout=30)
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    by_cookie = session.put(f"{guarded_api.base}/plans/hn.a-2025/targets/candidates_proposed", json={"value": 2})
    assert (by_cookie.status_code, by_cookie.json()["field"]) == (401, "Authorization")


def test_revoked_tokens_and_their_sessions_stop_working_and_grants_can_be_taken_back(guarded_api: GuardedApi) -> None:
    base = guarded_api.base
    first, second = guarded_api.token("chi@hn.a", "hn.a:viewer"), guarded_api.token("chi@hn.a", "hn.a:viewer")
    session = requests.Session()
    assert session.post(f"{base}/session", json={"token": first}, timeout=10).status_code == 200

    def reads(**auth: Any) -> int:
        answer = requests.get(f"{base}/reports/indicators", params={"authority_id": "hn.a"}, timeout=10, **auth)
        return answer.status_code

    assert reads(headers={"Authorization": f"Bearer {second}"}) == 200
    assert session.get(f"{base}/reports/indicators", params={"authority_id": "hn.a"}, timeout=10).status_code == 200

    def revoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["revoke-tokens", "chi@hn.a", *args, "--config", str(guarded_api.config)])

    revoked = revoke()
    assert (revoked.exit_code, revoked.output) == (0, "2 token(s) of chi@hn.a revoked\n")
    for token in (first, second):
        assert reads(headers={"Authorization": f"Bearer {token}"}) == 401
    assert session.get(f"{base}/reports/indicators", params={"authority_id": "hn.a"}, timeout=10).status_code == 401
    again = revoke()
    assert again.exit_code == 1 and "chi@hn.a holds no token of reporting" in again.output

    kept = guarded_api.token("chi@hn.a", "hn.b:viewer")  # the grant on hn.a was kept
    assert reads(headers={"Authorization": f"Bearer {kept}"}) == 200
    taken = revoke("--grants")
    assert (taken.exit_code, taken.output) == (0, "1 token(s) of chi@hn.a revoked, 2 grant(s) taken back\n")
    fresh = guarded_api.token("chi@hn.a", "hn.b:viewer")
    assert reads(headers={"Authorization": f"Bearer {fresh}"}) == 403
    unnamed = CliRunner().invoke(cli, ["revoke-tokens", "  ", "--config", str(guarded_api.config)])
    assert unnamed.exit_code == 2 and "user: tokens are revoked for a named user (rule: required)" in unnamed.output


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (`--remote-debugging-pipe`: commands on its fd 3, answers on its fd 4, each ended by NUL)."""

    def __init__(self, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def wire() -> None:
            high_in = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.process = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" not in self._buffer:
                left = deadline - time.monotonic()
                assert left > 0 and select.select([self._answers], [], [], left)[0], f"Chromium did not answer {method}"
                chunk = os.read(self._answers, 1 << 20)
                assert chunk, "Chromium closed its pipe"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, answer
                return dict(answer["result"])

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", {"url": url})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def evaluate(self, expression: str) -> Any:
        found = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        return found["result"].get("value")

    def wait_for(self, expression: str, timeout: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            assert time.monotonic() < deadline, f"the page never came to {expression}"
            time.sleep(0.1)

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)


def test_the_dashboard_asks_for_a_token_signs_in_and_shows_the_report(guarded_api: GuardedApi, tmp_path: Path) -> None:
    viewer = guarded_api.token("an@hn.a", "hn.a:viewer")
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(f"{guarded_api.base}/?authority_id=hn.a&from=2024-01-01&to=2025-06-30")
        browser.wait_for("document.body && document.body.dataset.ready === '1' && !$('sign-in').hidden")
        assert "Vui lòng đăng nhập" in browser.evaluate("$('error').textContent")

        browser.evaluate(f"$('token').value = {json.dumps(viewer)}; $('sign-in').requestSubmit(); true")
        browser.wait_for(
            "$('sign-in').hidden && document.body.dataset.ready === '1' && "
            "$('report-table').textContent.includes('Tổng cộng')"
        )
        dom = browser.evaluate("document.documentElement.outerHTML")
        assert 'id="error" role="alert"></p>' in dom, "the dashboard reported an error"
        assert re.search(r'<option value="hn\.a">Đảng ủy hn\.a</option>', dom) and "hn.b" not in dom
        assert "Tổng cộng</td><td>1</td><td>1</td>" in dom  # hn.a's enterprise and candidate in the period
        assert browser.evaluate("document.cookie") == ""  # the session is HttpOnly
        assert browser.evaluate("fetch($('export-xlsx').href).then((r) => r.status)") == 200
    finally:
        browser.close()
