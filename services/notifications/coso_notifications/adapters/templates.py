"""Notification texts from Jinja2 templates, Vietnamese first with English as the fallback.

A template is `<rule>.<channel>.<language>.j2` or, for every channel, `<rule>.<language>.j2`;
its first line is the title (an email's subject), the rest the text. The lookup for a
recipient who reads Vietnamese is: rule+channel in vi, rule in vi, rule+channel in en,
rule in en. Templates live in the package (`coso_notifications/templates`) unless a directory
is configured (`templates_dir`), which is searched first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

from coso_notifications.domain.reminders import Message
from coso_notifications.domain.rules import Channel, Rule

log = logging.getLogger(__name__)

PACKAGED = Path(__file__).resolve().parents[1] / "templates"
FALLBACK_LANGUAGE = "en"


def _vn_date(value: date) -> str:
    return f"{value:%d/%m/%Y}"


class JinjaTemplates:
    def __init__(
        self, directory: str | Path | None = None, loader: BaseLoader | None = None, packaged: bool = True
    ) -> None:
        loaders: list[BaseLoader] = []
        if loader is not None:
            loaders.append(loader)
        if directory:
            loaders.append(FileSystemLoader(str(directory)))
        if packaged:
            loaders.append(FileSystemLoader(str(PACKAGED)))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(default=False),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["vn_date"] = _vn_date

    def names(self, rule: Rule, channel: Channel, language: str) -> list[str]:
        languages = [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]
        return [
            name
            for lang in languages
            for name in (f"{rule.value}.{channel.value}.{lang}.j2", f"{rule.value}.{lang}.j2")
        ]

    def render_digest(self, language: str, items: Sequence[Mapping[str, Any]], day: date) -> Message:
        context = {"items": list(items), "day": day}
        return self.render(Rule.DAILY_DIGEST, Channel.DIGEST, language, context)

    def render(self, rule: Rule, channel: Channel, language: str, context: Mapping[str, Any]) -> Message:
        for name in self.names(rule, channel, language):
            try:
                rendered = self._env.get_template(name).render(**context)
            except TemplateNotFound:
                continue
            except Exception as exc:  # noqa: BLE001 - a broken template must not stop every reminder
                log.error("template %s cannot be rendered: %s", name, exc)
                continue
            title, _, text = rendered.strip().partition("\n")
            return Message(title.strip(), text.strip(), name.rsplit(".", 2)[-2])
        log.error(
            "no usable template for %s (looked for %s)", rule.value, ", ".join(self.names(rule, channel, language))
        )
        subject = context.get("subject") or context.get("candidate_id") or ""
        return Message(f"{rule.value}: {subject}", f"{rule.value}: {subject} ({context.get('due_on', '')})", "en")
