"""Waiting for a stack to answer: every API's /health, giving up early if its processes died."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from coso_backbone.authority.model import SERVICES, AuthorityStack


def wait_healthy(stack: AuthorityStack, timeout: float, alive: Callable[[], bool] | None = None) -> None:
    """Wait until every API answers 200 on /health; `alive()` False means give up early."""
    deadline = time.monotonic() + timeout
    for service in SERVICES:
        url = f"{stack.api_url(service)}/health"
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    print(f"    {service}: healthy ({url})")
                    break
            except requests.RequestException:
                pass
            if alive is not None and not alive():
                raise RuntimeError(f"the process manager of {stack.name} stopped; see its log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service} did not answer {url} within {timeout:.0f} s")
            time.sleep(0.3)
