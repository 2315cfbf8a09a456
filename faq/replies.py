"""Compose what the person is told from a decision, in their language.

Structured so the Slack layer renders Block Kit and the CLI prints plain text from the very
same parts: the local chat shows exactly what the bot would post.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from faq.content import FaqContent, MessageSet
from faq.models import Decision, Entry, Outcome


class SourceRef(BaseModel):
    notice_id: str
    title: str
    issuer: str
    date: dt.date


class Choice(BaseModel):
    entry_id: str
    question: str


def source_line(source: SourceRef, language: str) -> str:
    """One cited notice: title, issuer and date, punctuated for the reader's language."""
    if language == "en":
        return f"{source.title} ({source.issuer}, {source.date.isoformat()})"
    return f"{source.title}（{source.issuer}、{source.date.isoformat()}）"


class Reply(BaseModel):
    outcome: Outcome
    language: str
    body: str
    entry_id: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    updated: dt.date | None = None
    choices: list[Choice] = Field(default_factory=list)
    footer: str | None = None
    warning: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    # Other entries' questions offered under an answer (the entry's ``related``).
    related: list[Choice] = Field(default_factory=list)
    # Several questions in one message: one reply each, under a heading naming the question.
    heading: str | None = None
    parts: list[Reply] = Field(default_factory=list)

    def as_text(self) -> str:
        """The whole reply as plain text (local chat, `faqbot ask`)."""
        parts = [self.warning] if self.warning else []
        if self.parts:
            return "\n\n".join(parts + [f"■ {p.heading}\n{p.as_text()}" for p in self.parts])
        parts.append(self.body)
        if self.choices:
            parts.append("\n".join(f"{i}. {c.question}" for i, c in enumerate(self.choices, 1)))
        if self.sources:
            cited = "\n".join(f"・{source_line(s, self.language)}" for s in self.sources)
            parts.append(f"{self.labels['sources']}:\n{cited}")
        if self.updated:
            parts.append(f"{self.labels['updated']}: {self.updated.isoformat()}")
        if self.related:
            parts.append(f"{self.labels['related']}:\n"
                         + "\n".join(f"{i}. {c.question}" for i, c in enumerate(self.related, 1)))
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(parts)


def _question(entry: Entry, language: str) -> str:
    return entry.question_en if language == "en" else entry.question


def _answer(entry: Entry, language: str) -> str:
    return entry.answer_en if language == "en" else entry.answer


def _heading(part: Decision, content: FaqContent, msg: MessageSet) -> str:
    """An answered part is headed by its entry's question, any other by the person's words."""
    entry = content.entry(part.entry_id) if part.outcome is Outcome.ANSWER and part.entry_id else None
    return msg.text("part_heading", question=_question(entry, part.language) if entry else part.question)


def _part(part: Decision, content: FaqContent, msg: MessageSet, hr_notified: bool) -> Reply:
    """One question of a several-question reply: headed, with its sources; related questions are
    offered under a single answer only."""
    reply = compose(part, content, hr_notified=hr_notified)
    return reply.model_copy(update={"heading": _heading(part, content, msg), "related": []})


def compose(decision: Decision, content: FaqContent, *, hr_notified: bool = False) -> Reply:
    """The reply for ``decision``; never states anything but curated content.

    An escalation says exactly one next step: HR has the question and will answer
    (``hr_notified``), or whom to contact."""
    lang = decision.language
    msg: MessageSet = content.messages.for_language(lang)
    if decision.parts:
        return Reply(outcome=decision.outcome, language=lang, body="", entry_id=decision.entry_id,
                     warning=msg.text("my_number_warning") if decision.contains_my_number else None,
                     parts=[_part(part, content, msg, hr_notified) for part in decision.parts])
    entry = content.entry(decision.entry_id) if decision.entry_id else None
    reply = Reply(
        outcome=decision.outcome, language=lang, body="",
        labels={"sources": msg.sources_label, "updated": msg.updated_label, "related": msg.related_label},
        warning=msg.text("my_number_warning") if decision.contains_my_number else None,
    )
    if decision.outcome is Outcome.ANSWER and entry:
        reply.body = _answer(entry, lang)
        reply.entry_id = entry.id
        reply.updated = entry.updated
        reply.related = [Choice(entry_id=r.id, question=_question(r, lang)) for rid in entry.related
                         if (r := content.active_entry(rid)) is not None]
        seen: list[str] = []
        for source in entry.sources:
            if source.notice not in seen and source.notice in content.notices:
                seen.append(source.notice)
                n = content.notices[source.notice]
                english = lang == "en"
                reply.sources.append(SourceRef(notice_id=n.id, title=n.title_en if english else n.title,
                                               issuer=n.issuer_en if english else n.issuer, date=n.date))
    elif decision.outcome is Outcome.CLARIFY:
        reply.body = msg.text("clarify_intro")
        for cand in decision.candidates:
            if (e := content.entry(cand.entry_id)) is not None:
                reply.choices.append(Choice(entry_id=e.id, question=_question(e, lang)))
        reply.footer = msg.text("clarify_none")
    elif decision.outcome is Outcome.ESCALATE:
        opening = _answer(entry, lang) if entry else msg.text("escalate_generic")
        reply.entry_id = entry.id if entry else None
        next_step = msg.text("escalate_hr_notified" if hr_notified else "escalate_entry_suffix")
        reply.body = f"{opening}{' ' if lang == 'en' else ''}{next_step}"
    elif entry:
        reply.entry_id = entry.id
        reply.body = _answer(entry, lang)
    else:
        reply.body = msg.text("empty_question")
    return reply
