"""Block Kit builders: pure functions from engine replies to Slack payloads.

Every text that could hold user input is escaped (&, <, >) so `<!channel>`, `<@U…>` or a
disguised link do nothing, and is cut to Slack's limits without splitting an escape.
"""

from __future__ import annotations

import json
import re
from typing import Any

from faq.content import MessageSet
from faq.models import Outcome
from faq.replies import Choice, Reply, source_line

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
BUTTON_LIMIT = 75
FALLBACK_LIMIT = 3000

FEEDBACK_UP, FEEDBACK_DOWN, ASK_HR = "feedback_up", "feedback_down", "ask_hr"
CLARIFY_PICK = "clarify_pick"
CLARIFY_NONE = "clarify_none"
RELATED_PICK = "related_pick"
EXAMPLE_QUESTION = "example_question"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters; nothing else needs escaping in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKUP = re.compile(r"<([^<>]*)>")


def _plain_markup(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return ""  # a mention (of the bot, or of a colleague) is not part of the question
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        return f"@{label or target[1:].split('^')[0]}"
    return label or target.removeprefix("mailto:")


def slack_to_plain(text: str) -> str:
    """Slack's message text as the person typed it: markup resolved, Slack's escaping undone.

    Questions are stored plain, once, and escaped exactly once on the way out (``fit``)."""
    plain = _MARKUP.sub(_plain_markup, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return plain.strip()


def fit(text: str, limit: int) -> str:
    """Escape, then cut to ``limit`` characters without leaving half of an &amp; behind."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """plain_text objects are not parsed for markup; they only need cutting."""
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…", "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text, SECTION_LIMIT)}}


def context(*texts: str) -> Block:
    return {"type": "context",
            "elements": [{"type": "mrkdwn", "text": fit(t, CONTEXT_LIMIT)} for t in texts[:10]]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {"type": "button", "text": plain_text(text, BUTTON_LIMIT), "action_id": action_id, "value": value[:2000]}
    if style:
        button["style"] = style
    return button


def fallback_text(reply: Reply) -> str:
    """The notification text: what a phone shows before the blocks load."""
    return fit(" / ".join(p.body for p in reply.parts) if reply.parts else reply.body, FALLBACK_LIMIT)


def feedback_buttons(msg: MessageSet, question_id: int) -> Block:
    return {"type": "actions", "block_id": f"feedback:{question_id}", "elements": [
        button(msg.feedback_up_button, FEEDBACK_UP, str(question_id)),
        button(msg.feedback_down_button, FEEDBACK_DOWN, str(question_id)),
    ]}


def _sources(reply: Reply) -> Block:
    notes = [f"{reply.labels['sources']}: " + " / ".join(source_line(s, reply.language) for s in reply.sources)]
    if reply.updated:
        notes.append(f"{reply.labels['updated']}: {reply.updated.isoformat()}")
    return context(*notes)


def _choice_buttons(action: str, question_id: int, choices: list[Choice]) -> list[dict[str, Any]]:
    return [button(c.question, f"{action}_{i}", json.dumps({"q": question_id, "e": c.entry_id}))
            for i, c in enumerate(choices[:3])]


def reply_blocks(reply: Reply, msg: MessageSet, question_id: int | None) -> list[Block]:
    """The bot's answer (one per question of the message), candidates, escalation or usage reply."""
    blocks: list[Block] = []
    if reply.warning:
        blocks.append(section(f":warning: {reply.warning}"))
    for part in reply.parts:
        blocks.append(section(f"*{part.heading}*\n{part.body}"))
        if part.outcome is Outcome.ANSWER:
            blocks.append(_sources(part))
    if reply.parts:
        if question_id is not None:
            blocks.append(feedback_buttons(msg, question_id))
        return blocks
    blocks.append(section(reply.body))
    if reply.outcome is Outcome.ANSWER:
        blocks.append(_sources(reply))
        if question_id is not None:
            blocks.append(feedback_buttons(msg, question_id))
            if reply.related:
                blocks.append(context(f"{reply.labels['related']}:"))
                blocks.append({"type": "actions", "block_id": f"related:{question_id}",
                               "elements": _choice_buttons(RELATED_PICK, question_id, reply.related)})
    elif reply.outcome is Outcome.CLARIFY and question_id is not None:
        blocks.append({"type": "actions", "block_id": f"clarify:{question_id}", "elements": [
            *_choice_buttons(CLARIFY_PICK, question_id, reply.choices),
            button(msg.clarify_none_button, CLARIFY_NONE, str(question_id)),
        ]})
        if reply.footer:
            blocks.append(context(reply.footer))
    return blocks


def ask_hr_blocks(msg: MessageSet, question_id: int) -> list[Block]:
    """Shown after a 👎: the way to hand the question to HR."""
    return [section(msg.text("feedback_sorry")),
            {"type": "actions", "block_id": f"ask_hr:{question_id}",
             "elements": [button(msg.ask_hr_button, ASK_HR, str(question_id), "primary")]}]


def hr_post_blocks(msg: MessageSet, *, reason: str, question: str, user_id: str | None, place: str,
                   guesses: list[tuple[str, float]]) -> list[Block]:
    """The HR channel's view of one question the bot could not settle."""
    guess_text = ", ".join(f"{entry_id} ({score:.2f})" for entry_id, score in guesses) or msg.hr_post_no_guess
    asker = f"<@{user_id}>" if user_id and user_id.isalnum() else escape(user_id or "-")
    reason_text = msg.hr_post_reason_downvote if reason == "downvote" else msg.hr_post_reason_escalate
    return [
        {"type": "header", "text": plain_text(msg.hr_post_title, 150)},
        context(reason_text),
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*{msg.hr_post_asker}*\n{asker}"},
            {"type": "mrkdwn", "text": f"*{msg.hr_post_where}*\n{place}"},
        ]},
        section(f"*{msg.hr_post_question}*\n{question}"),
        context(f"{msg.hr_post_guesses}: {guess_text}"),
    ]


def hr_post_text(msg: MessageSet, question: str) -> str:
    """The HR post's notification text (phones, previews, screen readers): escaped like the blocks,
    so a question's ``<!channel>`` or disguised link does nothing there either."""
    return fit(f"{msg.hr_post_title}: {question}", 300)


def home_view(msg: MessageSet, examples: list[str], retention_days: int) -> dict[str, Any]:
    """App Home: how to use the bot, example questions as buttons, the privacy note."""
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(msg.home_title, 150)},
        section(msg.home_intro),
        {"type": "divider"},
        section(f"*{msg.home_examples_label}*"),
    ]
    if examples:
        blocks.append({"type": "actions", "block_id": "examples", "elements": [
            button(q, f"{EXAMPLE_QUESTION}_{i}", q) for i, q in enumerate(examples[:5])]})
    blocks += [{"type": "divider"},
               context(msg.text("home_privacy", retention_days=str(retention_days)))]
    return {"type": "home", "blocks": blocks}
