"""A member transferred between two authorities' deployments over RabbitMQ.

Two admissions stacks, each with its own database and deployment name (so a distinct
ce-source), share one RabbitMQ vhost created for the test (and deleted after). Each runs its
relay and its peer consumer; the destination lists the arriving member, confirms receipt,
and the source sees the transfer completed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import amqp
import pytest

from coso_admissions import bootstrap
from coso_admissions.adapters.member_files import read_rows
from coso_admissions.application.commands import (
    MembersOfAuthority,
    ReceiveTransfer,
    StartTransfer,
    TransfersOfAuthority,
)
from coso_backbone import wiring
from coso_backbone.broker import consumer_queue, open_channel
from coso_backbone.config import CosoSettings
from coso_backbone.contracts.admissions import TransferKind
from coso_backbone.testing import rabbitmq_vhost, wait_until

pytestmark = pytest.mark.rabbitmq

UNREACHABLE = "http://127.0.0.1:9"  # the peers' read APIs are not served in this test: catch-up is skipped
MEMBERS = "\n".join(
    [
        "member_id,authority_id,organization,job_category,status,admitted_on,official_on,full_name,birth_date",
        "m-an,hn.kcn,Chi bộ Công ty Minh Phát,production_worker,official,2019-05-19,2020-05-19,Phạm Văn An,1990-01-02",
    ]
)


def queue_exists(uri: str, consumer: str) -> bool:
    connection, channel = open_channel(uri)
    try:
        channel.queue_declare(consumer_queue(consumer, "admissions"), passive=True)
    except amqp.exceptions.NotFound:
        return False
    finally:
        connection.release()
    return True


@pytest.fixture
def vhost_uri(run_id: str) -> Iterator[str]:
    with rabbitmq_vhost(f"coso-{run_id}") as uri:
        yield uri


@pytest.fixture
def stacks(
    settings_for: Callable[..., CosoSettings],
    announcements_for: Callable[..., Any],
    vhost_uri: str,
    run_id: str,
    tmp_path: Path,
) -> Iterator[tuple[bootstrap.AdmissionsApp, bootstrap.AdmissionsApp]]:
    """Hà Nội's deployment (source) and Đà Nẵng's (destination), their workers running."""
    apps: list[bootstrap.AdmissionsApp] = []
    running: list[tuple[threading.Event, threading.Thread]] = []
    for name in ("hn", "dn"):
        settings = settings_for(f"sqlite:///{tmp_path / f'{name}.db'}", deployment=f"{name}-{run_id}")
        settings = settings.model_copy(
            update={"amqp_uri": vhost_uri, "options": {**settings.options, "peer_admissions_url": UNREACHABLE}}
        )
        bootstrap.migrate(settings)
        app = bootstrap.build(settings)
        apps.append(app)
        consumer = bootstrap.peer_consumer(settings, app.store)
        for _, loop in (
            wiring.consumer_loop(settings, consumer, ("admissions",)),
            wiring.relay_loop(settings, app.store),
        ):
            stop = threading.Event()
            thread = threading.Thread(target=loop, args=(stop,), daemon=True)
            thread.start()
            running.append((stop, thread))
    source, destination = apps
    at_source, at_destination = announcements_for(source), announcements_for(destination)
    at_source.apply(at_source.authority("hn.kcn", "hn"), at_source.authority("dn.kcn", "dn"))
    at_destination.apply(at_destination.authority("dn.kcn", "dn"))
    for app in apps:  # both peer consumers have declared their queues before anything is published
        wait_until(lambda app=app: queue_exists(vhost_uri, bootstrap.peer_consumer_name(app.settings)), "queue")
    yield source, destination
    for stop, _ in running:
        stop.set()
    for _, thread in running:
        thread.join(timeout=15)
    for app in apps:
        app.store.engine.dispose()


def test_a_member_transferred_to_another_deployments_authority_is_confirmed_there_and_completed_at_the_source(
    stacks: tuple[bootstrap.AdmissionsApp, bootstrap.AdmissionsApp],
) -> None:
    source, destination = stacks
    source.members.import_members(read_rows(MEMBERS.encode()))
    source.members.start_transfer(
        "m-an",
        StartTransfer(
            kind=TransferKind.OFFICIAL,
            to_organization="Chi bộ Công ty Sơn Trà",
            to_authority_id="dn.kcn",
            on=date(2025, 10, 1),
        ),
    )

    [arriving] = wait_until(
        lambda: destination.incoming.incoming("dn.kcn", pending=True), "the transfer to reach Đà Nẵng"
    )
    assert (arriving["member_id"], arriving["from_authority_id"]) == ("m-an", "hn.kcn")
    assert source.members.transfers(TransfersOfAuthority(authority_id="hn.kcn"))  # pending at the source

    destination.incoming.confirm(arriving["transfer_id"], ReceiveTransfer(on=date(2025, 10, 6), body="Chi bộ Sơn Trà"))

    wait_until(
        lambda: not source.members.transfers(TransfersOfAuthority(authority_id="hn.kcn")),
        "the receipt to reach Hà Nội",
    )
    member = source.members.member("m-an")
    assert (member["authority_id"], member["organization"]) == ("dn.kcn", "Chi bộ Công ty Sơn Trà")
    assert member["history"][-1]["type"] == "MemberTransferReceived"
    assert destination.incoming.incoming("dn.kcn", pending=True) == []
    assert source.members.members(MembersOfAuthority(authority_id="hn.kcn")) == []
    [arrived] = destination.members.members(MembersOfAuthority(authority_id="dn.kcn"))
    assert (arrived["member_id"], arrived["status"], arrived["via"]) == ("m-an", "official", "transfer")
