"""Sends webhook requests over HTTP with `requests`; never follows redirects."""

from __future__ import annotations

import threading

import requests

from coso_notifications.domain.webhook import WebhookAnswer, WebhookRequest

_DETAIL = 200


class HttpWebhookSender:
    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self._timeout = timeout_seconds
        self._local = threading.local()  # a Session per thread: requests does not promise more

    @property
    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(self, request: WebhookRequest) -> WebhookAnswer:
        try:
            response = self._session.post(
                request.url,
                data=request.body,
                headers=request.headers,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            return WebhookAnswer(None, f"no answer within {self._timeout:g}s")
        except requests.RequestException as exc:
            return WebhookAnswer(None, f"{type(exc).__name__}: {exc}"[:500])
        detail = "" if 200 <= response.status_code < 300 else " ".join(response.text[:_DETAIL].split())
        response.close()
        return WebhookAnswer(response.status_code, detail)
