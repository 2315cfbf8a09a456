"""Block Kit for HR: the entry editor, history, the review queue and HR's App Home section.

Pure functions, like blocks.py. Input block ids are the Entry field names, so a validation
error from the pydantic model lands on the field it is about.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import button, context, escape, plain_text, section
from faq.content import HrMessageSet, Notice
from faq.editing import Change
from faq.models import (MAX_ANSWER_CHARS, MAX_ANSWER_EN_CHARS, MAX_QUESTION_CHARS, MIN_PHRASINGS, MIN_PHRASINGS_EN,
                        Entry, EntryKind)
from faq.review import status_label
from faq.store import ReviewGroup, Revision, StoredEntry

# Action and callback ids of the HR features.
ADMIN_NEW, ADMIN_EDIT, ADMIN_HISTORY, ADMIN_RETIRE, ADMIN_RESTORE = (
    "admin_new", "admin_edit", "admin_history", "admin_retire", "admin_restore")
ADMIN_ROLLBACK, ADMIN_SYNONYMS, ADMIN_REVIEW, ADMIN_LIST = (
    "admin_rollback", "admin_synonyms", "admin_review", "admin_list")
REVIEW_ANSWER, REVIEW_ADD, REVIEW_DISMISS, REVIEW_NOTIFY = (
    "review_answer", "review_add_faq", "review_dismiss", "review_notify")
ENTRY_MODAL, ANSWER_MODAL, ADD_MODAL, SYNONYMS_MODAL, HISTORY_MODAL = (
    "faq_entry_edit", "review_answer_submit", "review_add_submit", "faq_synonyms_edit", "faq_history")
NEW_ENTRY = "__new__"
CONFIRM = "confirm"

Block = dict[str, Any]
TEXT_FIELDS = ("question", "answer", "question_en", "answer_en")
LINE_FIELDS = ("phrasings", "phrasings_en", "sources")


INPUT_LIMIT = 3000  # Slack's own limit for a plain_text_input's value


def _input(block_id: str, label: str, value: str = "", *, multiline: bool = False, optional: bool = False,
           hint: str | None = None, max_length: int | None = None) -> Block:
    """A text input; a prefilled value longer than the input takes is cut (Slack refuses the view)."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": multiline}
    if value:
        element["initial_value"] = value[: max_length or INPUT_LIMIT]
    if max_length:
        element["max_length"] = max_length
    block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def sources_text(entry: Entry | None) -> str:
    return "\n".join(f"{s.notice} | {s.quote}" for s in entry.sources) if entry else ""


def entry_form(values: dict[str, Any]) -> dict[str, str]:
    """Submitted modal values as the raw fields of an Entry (lists one item per line)."""
    def text(block: str) -> str:
        return ((values.get(block) or {}).get("value") or {}).get("value") or ""

    def lines(block: str) -> list[str]:
        return [line.strip() for line in text(block).splitlines() if line.strip()]

    raw: dict[str, Any] = {f: text(f) for f in TEXT_FIELDS}
    raw["phrasings"] = lines("phrasings")
    raw["phrasings_en"] = lines("phrasings_en")
    raw["sources"] = [dict(zip(("notice", "quote"), (p.strip() for p in line.split("|", 1))))
                      if "|" in line else {"notice": line, "quote": ""} for line in lines("sources")]
    kind = ((values.get("kind") or {}).get("value") or {}).get("selected_option")
    if kind:
        raw["kind"] = kind["value"]
    if text("id"):
        raw["id"] = text("id").strip()
    confirm = ((values.get(CONFIRM) or {}).get("value") or {}).get("selected_options") or []
    raw["_confirmed"] = bool(confirm)
    return raw


def entry_modal(msg: HrMessageSet, entry: Entry | None, *, metadata: dict[str, Any], notices: dict[str, Notice],
                prefill: dict[str, Any] | None = None, changes: list[Change] | None = None) -> dict[str, Any]:
    """Add or edit one entry; ``prefill`` keeps what HR typed, ``changes`` asks to confirm."""
    data = dict(entry.model_dump(mode="json")) if entry else {}
    data.update({k: v for k, v in (prefill or {}).items() if not k.startswith("_")})
    blocks: list[Block] = []
    if changes:
        listed = "\n".join(msg.text("regression_item", question=escape(c.question), before=c.before, after=c.after)
                           for c in changes[:15])
        blocks += [section(msg.text("regression_warning", count=str(len(changes)))),
                   {"type": "section", "text": {"type": "mrkdwn", "text": listed[:2900]}},
                   {"type": "input", "block_id": CONFIRM, "label": plain_text(msg.confirm_label, 100), "element": {
                       "type": "checkboxes", "action_id": "value", "options": [
                           {"text": plain_text(msg.confirm_save, 75), "value": "yes"}]}}]
    if entry is None:
        blocks.append(_input("id", msg.id_label, data.get("id", ""), hint=msg.id_hint))
        kind = data.get("kind", EntryKind.ANSWER.value)
        options = {k.value: getattr(msg, f"kind_{k.value}") for k in EntryKind}
        option = lambda v: {"text": plain_text(options[v], 75), "value": v}  # noqa: E731
        blocks.append({"type": "input", "block_id": "kind", "label": plain_text(msg.kind_label, 100), "element": {
            "type": "static_select", "action_id": "value", "options": [option(v) for v in options],
            "initial_option": option(kind)}})
    phrasings = data.get("phrasings") or []
    sources = (sources_text(entry) if entry and not prefill else
               "\n".join(f"{s.get('notice', '')} | {s.get('quote', '')}" for s in data.get("sources") or []))
    blocks += [
        _input("question", msg.question_label, data.get("question", ""), max_length=MAX_QUESTION_CHARS),
        _input("phrasings", msg.text("phrasings_label", min=str(MIN_PHRASINGS)), "\n".join(phrasings),
               multiline=True),
        _input("answer", msg.text("answer_label", max=str(MAX_ANSWER_CHARS)), data.get("answer", ""),
               multiline=True, max_length=MAX_ANSWER_CHARS),
        _input("sources", msg.sources_label, sources, multiline=True,
               optional=True, hint=msg.text("sources_hint", notices=", ".join(sorted(notices)))),
        _input("question_en", msg.question_en_label, data.get("question_en", ""), max_length=MAX_QUESTION_CHARS),
        _input("phrasings_en", msg.text("phrasings_en_label", min=str(MIN_PHRASINGS_EN)),
               "\n".join(data.get("phrasings_en") or []), multiline=True),
        _input("answer_en", msg.answer_en_label, data.get("answer_en", ""), multiline=True,
               max_length=MAX_ANSWER_EN_CHARS),
    ]
    title = msg.edit_title if entry else msg.add_title
    return {"type": "modal", "callback_id": ENTRY_MODAL, "title": plain_text(title, 24),
            "submit": plain_text(msg.save, 24), "close": plain_text(msg.cancel, 24),
            "private_metadata": json.dumps(metadata), "blocks": blocks}


def field_errors(problems) -> dict[str, str]:
    """Validation problems keyed by the input block they concern."""
    errors: dict[str, str] = {}
    for p in problems:
        name = (p.field or "question").split(".")[0]
        block = name if name in (*TEXT_FIELDS, *LINE_FIELDS, "id", "kind") else "question"
        errors.setdefault(block, p.message[:150])
    return errors


def entry_list_blocks(msg: HrMessageSet, rows: list[StoredEntry], heading: str) -> list[Block]:
    """Entries with their actions (edit, history, retire or restore), at most 15."""
    blocks: list[Block] = [section(heading), {"type": "actions", "block_id": "admin_menu", "elements": [
        button(msg.new_entry_button, ADMIN_NEW, "new", "primary"),
        button(msg.review_button, ADMIN_REVIEW, "open"),
        button(msg.synonyms_button, ADMIN_SYNONYMS, "synonyms")]}]
    for row in rows[:15]:
        entry = row.entry
        state = msg.retired_mark if entry.retired else ""
        token = json.dumps({"id": entry.id, "v": row.version})
        toggle = (button(msg.restore_button, ADMIN_RESTORE, token) if entry.retired
                  else button(msg.retire_button, ADMIN_RETIRE, token, "danger"))
        blocks += [section(f"*{entry.id}* v{row.version}{state}\n{entry.question}"),
                   {"type": "actions", "block_id": f"entry:{entry.id}", "elements": [
                       button(msg.edit_button, ADMIN_EDIT, entry.id),
                       button(msg.history_button, ADMIN_HISTORY, entry.id), toggle]}]
    return blocks


def history_modal(msg: HrMessageSet, entry_id: str, revisions: list[Revision]) -> dict[str, Any]:
    blocks: list[Block] = []
    for r in reversed(revisions[-20:]):
        fields = ", ".join(r.changed_fields)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(
            f"v{r.version}  {r.changed_at}  {r.changed_by}  {r.action}  {fields}")},
            "accessory": button(msg.rollback_button, ADMIN_ROLLBACK, json.dumps({"id": entry_id, "v": r.version}))})
    return {"type": "modal", "callback_id": HISTORY_MODAL, "title": plain_text(msg.text("history_title", entry=entry_id), 24),
            "close": plain_text(msg.close, 24), "private_metadata": entry_id,
            "blocks": blocks or [section(msg.no_history)]}


def review_actions(msg: HrMessageSet, question_id: int) -> Block:
    """What HR can do with one question: answer the person, teach the FAQ, or close it."""
    value = str(question_id)
    return {"type": "actions", "block_id": f"review:{question_id}", "elements": [
        button(msg.answer_button, REVIEW_ANSWER, value, "primary"), button(msg.add_button, REVIEW_ADD, value),
        button(msg.dismiss_button, REVIEW_DISMISS, value)]}


def review_blocks(msg: HrMessageSet, groups: list[ReviewGroup]) -> list[Block]:
    if not groups:
        return [section(msg.review_empty)]
    blocks: list[Block] = [section(msg.text("review_heading", count=str(len(groups))))]
    reasons = {"escalate": msg.reason_escalate, "downvote": msg.reason_downvote, "clarify": msg.reason_clarify}
    for g in groups[:12]:
        first = g.items[0]
        blocks.append(section(f"*#{g.id}* {status_label(g.status)} ×{len(g.items)}（{reasons.get(first.reason, first.reason)}）\n"
                               f"{first.question.question[:300]}"))
        elements = review_actions(msg, first.question_id)["elements"]
        if g.entry_id and not g.notified_at:
            elements.append(button(msg.text("notify_button", count=str(len(g.items))), REVIEW_NOTIFY, str(g.id)))
        blocks.append({"type": "actions", "block_id": f"group:{g.id}", "elements": elements})
    return blocks


def answer_modal(msg: HrMessageSet, question_id: int, question: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ANSWER_MODAL, "title": plain_text(msg.answer_title, 24),
            "submit": plain_text(msg.send, 24), "close": plain_text(msg.cancel, 24),
            "private_metadata": str(question_id), "blocks": [
                section(f"*{msg.question_heading}*\n{question}"),
                _input("answer", msg.answer_input_label, multiline=True, max_length=2500)]}


def add_modal(msg: HrMessageSet, question_id: int, question: str, entries: list[Entry],
              suggested: list[str]) -> dict[str, Any]:
    """Add the question to an entry (the engine's guesses first) or start a new entry with it."""
    def option(value: str, text: str) -> dict[str, Any]:
        return {"text": plain_text(text, 75), "value": value}

    ordered = suggested + [e.id for e in entries if e.id not in suggested]
    by_id = {e.id: e for e in entries}
    options = [option(NEW_ENTRY, msg.new_entry_option)] + [
        option(i, f"{i}: {by_id[i].question}") for i in ordered if i in by_id][:99]
    initial = options[1] if suggested and len(options) > 1 else options[0]
    return {"type": "modal", "callback_id": ADD_MODAL, "title": plain_text(msg.add_button, 24),
            "submit": plain_text(msg.next, 24), "close": plain_text(msg.cancel, 24),
            "private_metadata": str(question_id), "blocks": [
                section(f"*{msg.question_heading}*\n{question}"),
                {"type": "input", "block_id": "target", "label": plain_text(msg.target_label, 100), "element": {
                    "type": "static_select", "action_id": "value", "options": options, "initial_option": initial}}]}


def synonyms_modal(msg: HrMessageSet, synonyms: dict[str, list[str]], version: int | None) -> dict[str, Any]:
    text = "\n".join(f"{k}: {', '.join(v)}" for k, v in synonyms.items())
    return {"type": "modal", "callback_id": SYNONYMS_MODAL, "title": plain_text(msg.synonyms_button, 24),
            "submit": plain_text(msg.save, 24), "close": plain_text(msg.cancel, 24),
            "private_metadata": json.dumps({"v": version}), "blocks": [
                _input("synonyms", msg.synonyms_input_label, text, multiline=True, hint=msg.synonyms_hint)]}


def parse_synonyms(text: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        key, _, rest = line.partition(":")
        variants = [v.strip() for v in rest.replace("、", ",").split(",") if v.strip()]
        if key.strip() and variants:
            table[key.strip()] = variants
    return table


def stats_blocks(msg: HrMessageSet, data: dict[str, Any], downvoted_item: str, heading: str = "") -> list[Block]:
    """The numbers HR looks at, as on HR's App Home and in the weekly digest.

    ``downvoted_item`` names the text one 👎 entry is shown with; ``heading`` goes before the numbers."""
    summary = msg.text("stats_summary", questions=str(data["questions"]), answered=f"{data['answer_rate']:.0%}",
                       clarified=f"{data['clarify_rate']:.0%}", escalated=f"{data['escalation_rate']:.0%}",
                       open=str(data["open_review_items"]))
    blocks: list[Block] = [section(heading + summary)]
    if data["top_entries"]:
        top = msg.list_separator.join(msg.text("stats_top_item", entry=str(t["entry_id"]), count=str(t["questions"]))
                                      for t in data["top_entries"][:5])
        blocks.append(context(msg.text("stats_top", entries=top)))
    votes = [msg.text(downvoted_item, entry=str(e), up=str(v["up"]), down=str(v["down"]))
             for e, v in data["feedback"].items() if v["down"]]
    if votes:
        blocks.append(context(msg.text("stats_downvoted", entries=msg.list_separator.join(votes[:8]))))
    return blocks


def hr_home_blocks(msg: HrMessageSet, stats: dict[str, Any], groups: list[ReviewGroup]) -> list[Block]:
    """HR's part of App Home: the numbers at a glance, the queue, the editing tools."""
    blocks: list[Block] = [{"type": "divider"}, {"type": "header", "text": plain_text(msg.menu_header, 150)},
                           *stats_blocks(msg, stats, "home_downvoted_item")]
    blocks.append({"type": "actions", "block_id": "admin_home", "elements": [
        button(msg.review_button, ADMIN_REVIEW, "open", "primary"), button(msg.entries_button, ADMIN_LIST, "all"),
        button(msg.new_entry_button, ADMIN_NEW, "new"), button(msg.synonyms_button, ADMIN_SYNONYMS, "synonyms")]})
    blocks.append(context(msg.search_hint))
    return blocks + review_blocks(msg, groups)[1:9]
