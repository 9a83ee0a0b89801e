"""`make bench-federation`: what a link between two authorities' stacks carries, measured.

(a) baseline: a commune's admissions events published straight into the province's vhost (as
    if both were one stack) and applied by the province's reporting projection: events/s;
(b) the same through a link (RabbitMQ federation, policy `all`): events/s;
(c) the same through a pseudonymous link, one personal record per two proposals withheld (the
    province fills each gap through the commune's read API): shared events/s;
(d) a 100,000-event outage (the link removed, nothing queued for it): time for the province
    to catch up through the commune's read API once the link is back.

Environment: COSO_BENCH_FEDERATION_EVENTS (default 20000), COSO_BENCH_FEDERATION_OUTAGE
(default 100000), COSO_TEST_POSTGRES and COSO_TEST_AMQP as for the tests.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from bench.__main__ import hardware, postgres_database
from coso_backbone.links.admin import apply_link, remove_link
from coso_backbone.links.spec import LinkSpec, parse_links
from tests.federation.harness import Reporting, Stack, admin, wait_for_federation, wait_until


@contextmanager
def vhosts(*names: str) -> Iterator[None]:
    api = admin()
    for name in names:
        api.ensure_vhost(name)
        api.set_permissions(name, "guest", ".*", ".*", ".*")
    try:
        yield
    finally:
        for name in names:
            api.delete(f"/vhosts/{name}")


def link_between(run: str, province: Stack, commune: Stack, policy: str) -> LinkSpec:
    text = f"""
links:
  - name: {run}-{policy[:3]}
    superior: {{deployment: {province.deployment}, vhost: {province.vhost}}}
    lower:
      deployment: {commune.deployment}
      vhost: {commune.vhost}
      read_apis: {{admissions: "{commune.read_apis["admissions"]}"}}
    up: {{producers: [admissions], policy: {policy}, password: up-{run}, read_api_token: token-{run}-0123456789}}
    down: {{producers: [], rules_producers: []}}
"""
    return parse_links(text).links[0]


def reset_queues(vhost: str) -> None:
    """Delete the province's consumer queues between two measurements: a consumer that caught
    up through the read API leaves the same events, as duplicates, in its queues."""
    api = admin()
    for queue in api.get(f"/queues/{quote(vhost, safe='')}"):
        api.delete(f"/queues/{quote(vhost, safe='')}/{quote(queue['name'], safe='')}")


def carried(reporting: Reporting, stack: Stack, source: str, expected: int) -> float:
    """Publish what the stack recorded while the province applies it; seconds until applied."""
    last = stack.stores["admissions"].last_position()
    started = time.perf_counter()
    relay = threading.Thread(target=stack.publish, args=("admissions",))
    relay.start()
    wait_until(lambda: reporting.consumer.checkpoints().get(source) == last, timeout=900, what=f"{expected} events")
    relay.join()
    return time.perf_counter() - started


def main() -> None:
    events = int(os.environ.get("COSO_BENCH_FEDERATION_EVENTS", "20000"))
    outage = int(os.environ.get("COSO_BENCH_FEDERATION_OUTAGE", "100000"))
    print(f"coso federation bench {time.strftime('%Y-%m-%d %H:%M:%S')} on {hardware()}", flush=True)
    run = "bf" + uuid.uuid4().hex[:6]
    names = {key: f"coso-bench-{run}-{key}" for key in ("province", "local", "all", "pse", "out")}
    with tempfile.TemporaryDirectory() as tmp, vhosts(*names.values()):
        province = Stack(f"{run}-province", names["province"], Path(tmp))
        stacks: dict[str, Stack] = {}
        for key in ("local", "all", "pse", "out"):
            (Path(tmp) / key).mkdir()
            # "local" publishes into the province's own vhost: the baseline without a link.
            vhost = names["province"] if key == "local" else names[key]
            stacks[key] = Stack(f"{run}-commune-{key}", vhost, Path(tmp) / key)
            policy = "pseudonymous" if key in ("pse", "out") else "all"
            token = [{"link": f"{run}-{policy[:3]}", "token": f"token-{run}-0123456789", "policy": policy}]
            stacks[key].start_service("admissions", token)
        try:
            figures = []
            # The link first: if the machine warms up, it favours the baseline, not the link.
            for key, label in (("all", "(b) link, policy all"), ("local", "(a) baseline, one vhost")):
                stack = stacks[key]
                link = None if key == "local" else link_between(run, province, stack, "all")
                if link is not None:
                    apply_link(link)
                    wait_for_federation(admin(), province.vhost, 1)
                stack.propose(events, f"x-{key}")
                with postgres_database() as url:
                    reporting = Reporting(province, url, link.source_read_apis() if link else {}).start()
                    time.sleep(1.0)  # connected and caught up (nothing yet)
                    seconds = carried(reporting, stack, stack.source("admissions"), events)
                    reporting.close()
                if link is not None:
                    remove_link(link)
                reset_queues(province.vhost)
                figures.append(events / seconds)
                print(f"{label}: {events} events in {seconds:.1f}s = {events / seconds:,.0f} events/s", flush=True)

            stack = stacks["pse"]
            link = link_between(run, province, stack, "pseudonymous")
            apply_link(link)
            wait_for_federation(admin(), province.vhost, 1)
            stack.propose(events, "x-pse", personal_every=2)
            with postgres_database() as url:
                reporting = Reporting(province, url, link.source_read_apis()).start()
                time.sleep(1.0)
                seconds = carried(reporting, stack, stack.source("admissions"), events)
                assert reporting.candidates() == {"x-pse": events}
                reporting.close()
            remove_link(link)
            reset_queues(province.vhost)
            print(
                f"(c) link, pseudonymous ({events // 2} personal records withheld): {events} shared events in "
                f"{seconds:.1f}s = {events / seconds:,.0f} events/s",
                flush=True,
            )

            stack = stacks["out"]
            link = link_between(run, province, stack, "pseudonymous")
            stack.propose(outage, "x-out")
            stack.publish("admissions")  # into the commune's vhost only: no link exists
            apply_link(link)
            with postgres_database() as url:
                started = time.perf_counter()
                reporting = Reporting(province, url, link.source_read_apis()).start()
                last = stack.stores["admissions"].last_position()
                wait_until(
                    lambda: reporting.consumer.checkpoints().get(stack.source("admissions")) == last,
                    timeout=1800,
                    what="the catch-up",
                )
                seconds = time.perf_counter() - started
                assert reporting.candidates() == {"x-out": outage}
                reporting.close()
            print(
                f"(d) catch-up after a {outage:,}-event outage through the commune's read API: {seconds:.1f}s "
                f"= {outage / seconds:,.0f} events/s",
                flush=True,
            )
            remove_link(link)
            print(f"link (b) carries {figures[0] / figures[1]:.0%} of the one-vhost rate (a)", flush=True)
        finally:
            for stack in stacks.values():
                stack.close()
            for user in (f"coso-link.{run}-all.up", f"coso-link.{run}-pse.up"):
                admin().delete(f"/users/{user}")


if __name__ == "__main__":
    main()
