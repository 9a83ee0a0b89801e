"""Access control of reporting's HTTP API and RPC, on SQLite and PostgreSQL: the nameko
service's methods called directly (nameko's `worker_factory`) on the wired application, with
werkzeug requests, so status codes, problem documents and cookies are what an HTTP client
gets, and with the RPC caller's context data `authorization` (test_rpc_access.py sends it
over RabbitMQ).

A province (hn) with two communes (hn.a, hn.b); tokens issued with `coso-reporting
create-token`. test_access_control_http.py runs the same service with `nameko run`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg2.extensions
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from coso_backbone.access import Grant, Principal, Role, token_hash
from coso_backbone.config import CosoSettings
from coso_backbone.eventstore import EventStore
from coso_reporting import bootstrap
from coso_reporting.domain.errors import AccessDenied, NotSignedIn

# nameko's testing module imports eventlet, which warns that it is deprecated (see DESIGN.md).
pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

PLAN = {
    "plan_id": "hn.a-2025",
    "authority_id": "hn.a",
    "title": "Kế hoạch phát triển đảng viên năm 2025",
    "period_start": "2025-01-01",
    "period_end": "2025-12-31",
}
PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def request(
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    session: str | None = None,
) -> Request:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if session is not None:
        headers["Cookie"] = f"coso_reporting_session={session}"
    data = None if body is None else json.dumps(body)
    return Request(
        EnvironBuilder(method=method, path=path, data=data, query_string=query, headers=headers).get_environ()
    )


def problem(answer: Response) -> tuple[int, str | None]:
    return answer.status_code, json.loads(answer.get_data())["field"]


class Stack:
    """The service with access control on or off, and the tokens of hn.a's viewer and editor."""

    def __init__(self, service: Any, config: Any, app: Any) -> None:
        self.service = service
        self.config = config
        self.app = app

    def rpc(self, token: str | None) -> Any:
        """The service as an RPC caller presenting `Bearer <token>` (None: no context data) sees it."""
        from nameko.testing.services import worker_factory

        from coso_reporting.entrypoints.service import ReportingService

        authorization = None if token is None else f"Bearer {token}"
        return worker_factory(ReportingService, app=self.app, rpc_authorization=authorization)

    def token(self, user: str, *grants: str) -> str:
        arguments = ["create-token", user, *[f"--grant={g}" for g in grants], "--config", str(self.config)]
        from coso_reporting.entrypoints.cli import app as cli

        issued = CliRunner().invoke(cli, arguments)
        assert issued.exit_code == 0, issued.output
        return issued.output.strip()


def stack_on(tmp_path: Any, database_url: str, world: Any, projection_at: Any, access_control: bool) -> Iterator[Stack]:
    from nameko.testing.services import worker_factory

    from coso_reporting.entrypoints.service import ReportingService

    psycopg2.extensions.set_wait_callback(None)  # the service module makes psycopg2 wait for eventlet
    projection_at(database_url).deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.authority("hn.b", parent_id="hn"),
            world.enterprise("e1", "hn.a"),
            world.enterprise("e2", "hn.b"),
            world.candidate("c1", "e1", "hn.a"),
        ]
    )
    coso = {
        "service": "reporting",
        "database_url": database_url,
        "amqp_uri": "amqp://guest:guest@127.0.0.1:5672//",
        "http_port": 0,
        "metrics_port": 0,
        "options": {"access_control": access_control},
    }
    config = tmp_path / "reporting.yml"
    config.write_text(json.dumps({"coso": coso}))
    settings = CosoSettings.model_validate(coso)
    app = bootstrap.ReportingApp(settings, EventStore(projection_at(database_url).engine))
    yield Stack(worker_factory(ReportingService, app=app), config, app)


@pytest.fixture
def guarded(tmp_path, database_url: str, world, projection_at) -> Iterator[Stack]:
    yield from stack_on(tmp_path, database_url, world, projection_at, access_control=True)


@pytest.fixture
def open_stack(tmp_path, world, projection_at) -> Iterator[Stack]:
    """Access control off, on SQLite alone (the option, not the storage, is under test)."""
    yield from stack_on(tmp_path, f"sqlite:///{tmp_path / 'open.db'}", world, projection_at, access_control=False)


def test_a_commune_viewer_gets_its_report_and_is_refused_its_province_and_a_sibling(guarded: Stack) -> None:
    viewer = guarded.token("an@hn.a", "hn.a:viewer")
    service = guarded.service

    own = service.indicator_report_http(
        request("GET", "/reports/indicators", viewer, query={**PERIOD, "authority_id": "hn.a"})
    )
    assert own.status_code == 200, own.get_data()
    for other in ("hn", "hn.b"):
        query = {**PERIOD, "authority_id": other}
        assert problem(service.indicator_report_http(request("GET", "/reports/indicators", viewer, query=query))) == (
            403,
            "authority_id",
        )
        assert problem(
            service.fact_report_file(request("GET", "/reports/coverage.xlsx", viewer, query=query), "coverage", "xlsx")
        ) == (403, "authority_id")
    listed = json.loads(service.list_indicators(request("GET", "/indicators", viewer)).get_data())
    assert [a["authority_id"] for a in listed["authorities"]] == ["hn.a"]

    anonymous = service.indicator_report_http(
        request("GET", "/reports/indicators", query={**PERIOD, "authority_id": "hn.a"})
    )
    assert problem(anonymous) == (401, "Authorization")
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    unknown = service.indicator_report_http(
        request("GET", "/reports/indicators", "forged", query={"authority_id": "hn.a"})
    )
    assert problem(unknown) == (401, "Authorization")


def test_an_editor_adopts_and_targets_a_plan_a_viewer_is_refused_and_lists_hold_only_the_scope(guarded: Stack) -> None:
    editor = guarded.token("ba@hn.a", "hn.a:editor")
    viewer = guarded.token("an@hn.a", "hn.a:viewer")
    sibling = guarded.token("chi@hn.b", "hn.b:editor")
    service = guarded.service

    assert problem(service.adopt_plan_http(request("POST", "/plans", viewer, PLAN))) == (403, "authority_id")
    assert problem(service.adopt_plan_http(request("POST", "/plans", sibling, PLAN))) == (403, "authority_id")
    assert service.adopt_plan_http(request("POST", "/plans", editor, PLAN)).status_code == 201
    target = request("PUT", "/plans/hn.a-2025/targets/candidates_proposed", viewer, {"value": 3})
    assert problem(service.set_target_http(target, "hn.a-2025", "candidates_proposed")) == (403, "plan_id")
    target = request("PUT", "/plans/hn.a-2025/targets/candidates_proposed", editor, {"value": 3})
    assert service.set_target_http(target, "hn.a-2025", "candidates_proposed").status_code == 200

    assert (
        service.plan_progress_http(request("GET", "/plans/hn.a-2025/progress", viewer), "hn.a-2025").status_code == 200
    )
    assert problem(service.show_plan(request("GET", "/plans/hn.a-2025", sibling), "hn.a-2025")) == (403, "plan_id")
    mine = json.loads(service.list_plans(request("GET", "/plans", viewer)).get_data())["plans"]
    theirs = json.loads(service.list_plans(request("GET", "/plans", sibling)).get_data())["plans"]
    assert ([p["plan_id"] for p in mine], theirs) == (["hn.a-2025"], [])


def session_of(signed_in: Response) -> str:
    """The value of the session cookie an answer sets."""
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith("coso_reporting_session=")
    return cookie.split(";", 1)[0].partition("=")[2]


def test_the_dashboard_session_is_not_the_token_serves_reads_never_changes_and_ends_on_sign_out(
    guarded: Stack,
) -> None:
    editor = guarded.token("ba@hn.a", "hn.a:editor")
    service = guarded.service

    assert problem(service.sign_in(request("POST", "/session", body={"token": "forged"}))) == (401, "Authorization")
    signed_in = service.sign_in(request("POST", "/session", body={"token": editor}))
    assert signed_in.status_code == 200
    assert json.loads(signed_in.get_data())["grants"] == [{"authority_id": "hn.a", "role": "editor"}]
    cookie = signed_in.headers["Set-Cookie"]
    assert editor not in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie and "Max-Age=43200" in cookie
    session = session_of(signed_in)

    query = {**PERIOD, "authority_id": "hn.a"}
    read = service.indicator_report_http(request("GET", "/reports/indicators", query=query, session=session))
    assert read.status_code == 200
    exported = service.indicator_report_file(
        request("GET", "/reports/indicators.xlsx", query=query, session=session), "xlsx"
    )
    assert exported.status_code == 200 and exported.headers["Content-Disposition"].endswith('.xlsx"')
    page = service.dashboard(request("GET", "/", session=session)).get_data(as_text=True)
    assert "Đảng ủy hn.a" in page and "Đảng ủy hn.b" not in page and 'id="sign-out">' in page
    as_token = service.indicator_report_http(request("GET", "/reports/indicators", query=query, session=editor))
    assert problem(as_token) == (401, "session")

    assert problem(service.adopt_plan_http(request("POST", "/plans", body=PLAN, session=session))) == (
        401,
        "Authorization",
    )
    other = session_of(service.sign_in(request("POST", "/session", body={"token": editor})))
    signed_out = service.sign_out(request("DELETE", "/session", session=session))
    assert signed_out.status_code == 204 and "coso_reporting_session=;" in signed_out.headers["Set-Cookie"]
    replayed = service.indicator_report_http(request("GET", "/reports/indicators", query=query, session=session))
    assert problem(replayed) == (401, "session")
    assert "Đảng ủy hn.a" not in service.dashboard(request("GET", "/", session=session)).get_data(as_text=True)
    still = service.indicator_report_http(request("GET", "/reports/indicators", query=query, session=other))
    assert still.status_code == 200
    anonymous_page = service.dashboard(request("GET", "/")).get_data(as_text=True)
    assert "Đảng ủy hn.a" not in anonymous_page and 'id="sign-in" hidden' in anonymous_page


RPC_CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "indicators": ((), {"authority_id": "hn.a"}),
    "adopt_plan": ((), PLAN),
    "set_target": (("hn.a-2025", "candidates_proposed", 3), {}),
    "split_target": (("hn.a-2025", "candidates_proposed", [{"authority_id": "hn.a", "value": 3}]), {}),
    "indicator_report": (("hn.a", "2025-01-01", "2025-12-31"), {}),
    "fact_report": (("coverage", "hn.a", "2025-01-01", "2025-12-31"), {}),
    "plan": (("hn.a-2025",), {}),
    "plans": ((), {}),
    "plan_progress": (("hn.a-2025",), {}),
    "assigned_plans": (("hn.a",), {}),
}


def test_every_rpc_method_refuses_a_caller_without_a_known_token(guarded: Stack) -> None:
    from nameko.rpc import Rpc

    from coso_reporting.entrypoints.service import ReportingService

    methods = {
        name
        for name, method in vars(ReportingService).items()
        if any(isinstance(entrypoint, Rpc) for entrypoint in getattr(method, "nameko_entrypoints", ()))
    }
    assert methods == set(RPC_CALLS)
    for token in (None, "forged"):
        caller = guarded.rpc(token)
        for name, (arguments, keywords) in RPC_CALLS.items():
            with pytest.raises(NotSignedIn) as refused:
                getattr(caller, name)(*arguments, **keywords)
            assert refused.value.field == "Authorization", name


def test_an_rpc_caller_acts_within_its_grants_as_over_http(guarded: Stack) -> None:
    editor = guarded.rpc(guarded.token("ba@hn.a", "hn.a:editor"))
    viewer = guarded.rpc(guarded.token("an@hn.a", "hn.a:viewer"))
    sibling = guarded.rpc(guarded.token("chi@hn.b", "hn.b:editor"))

    with pytest.raises(AccessDenied):
        viewer.adopt_plan(**PLAN)
    with pytest.raises(AccessDenied):
        sibling.adopt_plan(**PLAN)
    assert editor.adopt_plan(**PLAN)["plan_id"] == "hn.a-2025"
    with pytest.raises(AccessDenied) as not_editor:
        viewer.set_target("hn.a-2025", "candidates_proposed", 3)
    assert not_editor.value.field == "plan_id"
    editor.set_target("hn.a-2025", "candidates_proposed", 3)

    assert viewer.plan_progress("hn.a-2025")["plan_id"] == "hn.a-2025"
    assert [p["plan_id"] for p in viewer.plans()["plans"]] == ["hn.a-2025"]
    assert sibling.plans()["plans"] == []
    assert [a["authority_id"] for a in viewer.indicators()["authorities"]] == ["hn.a"]
    assert viewer.indicator_report("hn.a", "2025-01-01", "2025-12-31")["authority_id"] == "hn.a"
    for refused in (
        lambda: viewer.indicators("hn"),
        lambda: viewer.indicator_report("hn.b", "2025-01-01", "2025-12-31"),
        lambda: viewer.fact_report("coverage", "hn", "2025-01-01", "2025-12-31"),
        lambda: sibling.plan("hn.a-2025"),
        lambda: viewer.assigned_plans("hn.b"),
    ):
        with pytest.raises(AccessDenied):
            refused()


def test_with_access_control_off_everything_is_allowed_without_a_token(open_stack: Stack) -> None:
    service = open_stack.service
    assert open_stack.rpc(None).plans()["plans"] == []
    assert service.adopt_plan_http(request("POST", "/plans", body=PLAN)).status_code == 201
    report = service.indicator_report_http(
        request("GET", "/reports/indicators", query={**PERIOD, "authority_id": "hn"})
    )
    assert report.status_code == 200
    listed = json.loads(service.list_indicators(request("GET", "/indicators")).get_data())
    assert {a["authority_id"] for a in listed["authorities"]} == {"hn", "hn.a", "hn.b"}
    assert json.loads(service.sign_in(request("POST", "/session", body={})).get_data())["access_control"] is False


def test_the_store_serves_a_session_until_it_ends_and_forgets_ended_ones(projection) -> None:
    from coso_reporting.adapters.access import SqlAccessStore, sessions

    store = SqlAccessStore(projection.engine)
    store.add_token("an@hn.a", token_hash("token"), [Grant("hn.a", Role.VIEWER)])
    now = datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=7)))
    store.open_session(token_hash("ended"), token_hash("token"), now, now - timedelta(hours=1))
    store.open_session(token_hash("open"), token_hash("token"), now + timedelta(hours=1), now)
    viewer = Principal("an@hn.a", (Grant("hn.a", Role.VIEWER),))
    assert store.principal_for_session(token_hash("open"), now) == viewer
    assert store.principal_for_session(token_hash("open"), now + timedelta(hours=1)) is None
    assert store.principal_for_session(token_hash("ended"), now - timedelta(hours=1)) is None  # forgotten
    store.close_session(token_hash("open"))
    assert store.principal_for_session(token_hash("open"), now) is None
    with projection.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(sessions)).scalar() == 0
