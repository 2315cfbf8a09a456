"""HR's operations in Slack: edit the FAQ, review questions, answer the asker, notify a group.

Every method that changes something takes the acting user's id from the verified request and
checks it against HR_USER_IDS itself, every time: listeners cannot forget the check.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import admin_blocks as ab
from bot.blocks import context, escape, reply_blocks, section
from faq.content import HrMessageSet, MessageSet
from faq.errors import ContentError
from faq.editing import Editor, entry_fingerprint
from faq.privacy import contains_my_number, mask_my_numbers
from faq.service import SYNONYMS_DOCUMENT, FaqService
from faq.stats import stats
from faq.errors import NotFound, VersionConflict
from faq.review import ReviewQueue
from faq.store import Question, ReviewItem

log = logging.getLogger(__name__)

Ack = dict[str, Any] | None


class NotHr(Exception):
    """The acting user is not in HR_USER_IDS."""


class HrDesk:
    def __init__(self, service: FaqService, client: WebClient, hr_users: frozenset[str]):
        self.service = service
        self.client = client
        self.hr_users = hr_users
        self.editor = Editor(service)

    @property
    def msg(self) -> MessageSet:
        return self.service.content.messages.ja

    @property
    def hr_msg(self) -> HrMessageSet:
        return self.service.content.messages.hr

    def is_hr(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self.hr_users

    def require_hr(self, user_id: str | None) -> str:
        if not self.is_hr(user_id):
            raise NotHr(user_id)
        return str(user_id)

    # -- entries ------------------------------------------------------------------------

    def menu(self, user_id: str, query: str) -> list[dict[str, Any]]:
        """/faq-admin [search words | review]: entries matching the query, or the queue."""
        self.require_hr(user_id)
        if query.strip().lower() in ("review", "確認", "queue"):
            return self.review(user_id)
        rows = self.service.store.stored_entries()
        if query.strip():
            words = query.strip().lower().split()
            rows = [r for r in rows if all(w in (r.id + r.entry.model_dump_json()).lower() for w in words)]
            heading = self.hr_msg.text("search_heading", query=query.strip(), count=str(len(rows)))
        else:
            heading = self.hr_msg.text("list_heading", count=str(len(rows)))
        return ab.entry_list_blocks(self.hr_msg, rows, heading)

    def entry_modal(self, user_id: str, entry_id: str | None, *, item_id: int | None = None,
                    prefill: dict[str, Any] | None = None) -> dict[str, Any]:
        self.require_hr(user_id)
        found = self.editor.current(entry_id) if entry_id else None
        entry, version = found if found else (None, None)
        return ab.entry_modal(self.hr_msg, entry, metadata={"id": entry.id if entry else None, "v": version, "item": item_id},
                              notices=self.service.content.notices, prefill=prefill)

    def submit_entry(self, user_id: str, values: dict[str, Any], metadata: str) -> Ack:
        """Validate like the files, guard against regressions, save with a version check."""
        self.require_hr(user_id)
        meta = json.loads(metadata or "{}")
        raw = ab.entry_form(values)
        confirmed = raw.pop("_confirmed")
        existing = self.editor.current(meta["id"]) if meta.get("id") else None
        if existing:
            raw.update(id=existing[0].id, kind=existing[0].kind.value, retired=existing[0].retired)
        elif raw.get("id") and self.editor.current(raw["id"]):
            return {"response_action": "errors", "errors": {"id": self.hr_msg.id_taken}}
        raw["updated"] = dt.date.today().isoformat()
        try:
            entry = self.editor.validate(raw, source="slack")
        except ContentError as exc:
            return {"response_action": "errors", "errors": ab.field_errors(exc.problems)}
        fingerprint = entry_fingerprint(entry)
        changes = self.editor.regression([entry])
        if changes and not (confirmed and meta.get("fp") == fingerprint):
            return {"response_action": "update", "view": ab.entry_modal(
                self.hr_msg, existing[0] if existing else None, metadata={**meta, "fp": fingerprint},
                notices=self.service.content.notices, prefill=raw, changes=changes)}
        try:
            version = self.editor.save(entry, by=user_id, expected_version=meta.get("v"))
        except VersionConflict as exc:
            return {"response_action": "errors", "errors": {
                "question": self.msg.text("edit_conflict", current=str(exc.current))}}
        if meta.get("item"):
            self.service.review_queue().link_to_entry(int(meta["item"]), entry.id, by=user_id)
        self._tell(user_id, self.msg.text("saved_entry", entry=entry.id, version=str(version)))
        return None

    def set_retired(self, user_id: str, token: str, retired: bool) -> str:
        self.require_hr(user_id)
        data = json.loads(token)
        try:
            version = self.editor.set_retired(data["id"], retired, by=user_id, expected_version=data["v"])
        except VersionConflict as exc:
            return self.msg.text("edit_conflict", current=str(exc.current))
        return self.hr_msg.text("retired_done" if retired else "restored_done", entry=data["id"], version=str(version))

    def history(self, user_id: str, entry_id: str) -> dict[str, Any]:
        self.require_hr(user_id)
        return ab.history_modal(self.hr_msg, entry_id, self.service.store.revisions(entry_id))

    def rollback(self, user_id: str, token: str) -> dict[str, Any]:
        self.require_hr(user_id)
        data = json.loads(token)
        self.editor.rollback(data["id"], int(data["v"]), by=user_id)
        return ab.history_modal(self.hr_msg, data["id"], self.service.store.revisions(data["id"]))

    def synonyms_modal(self, user_id: str) -> dict[str, Any]:
        self.require_hr(user_id)
        stored = self.service.store.document(SYNONYMS_DOCUMENT)
        table, version = stored if stored else (self.service.content.synonyms, None)
        return ab.synonyms_modal(self.hr_msg, table, version)

    def submit_synonyms(self, user_id: str, values: dict[str, Any], metadata: str) -> Ack:
        self.require_hr(user_id)
        text = ((values.get("synonyms") or {}).get("value") or {}).get("value") or ""
        # Checked on the raw text: parsing splits at 、 and , which would hide a number's groups.
        if contains_my_number(text):
            return {"response_action": "errors", "errors": {
                "synonyms": self.hr_msg.synonyms_my_number}}
        table = ab.parse_synonyms(text)
        if not table:
            return {"response_action": "errors", "errors": {"synonyms": self.hr_msg.synonyms_empty}}
        try:
            self.service.store.save_document(SYNONYMS_DOCUMENT, table, changed_by=user_id,
                                             expected_version=json.loads(metadata or "{}").get("v"))
        except VersionConflict as exc:
            return {"response_action": "errors", "errors": {
                "synonyms": self.msg.text("edit_conflict", current=str(exc.current))}}
        return None

    # -- the review queue ---------------------------------------------------------------

    def review(self, user_id: str) -> list[dict[str, Any]]:
        self.require_hr(user_id)
        queue = self._swept_queue()
        return ab.review_blocks(self.hr_msg, [g for g in queue.groups() if g.status in ("open", "in_progress")
                                 or (g.entry_id and not g.notified_at)])

    def answer_modal(self, user_id: str, question_id: int) -> dict[str, Any]:
        self.require_hr(user_id)
        question = self._question(question_id)
        self._start(user_id, question_id)
        return ab.answer_modal(self.hr_msg, question_id, question.question)

    def submit_answer(self, user_id: str, values: dict[str, Any], metadata: str) -> Ack:
        """Record HR's answer (once per review item); ``deliver_answer`` posts it after the ack.

        No Web API call happens here, so Slack gets its acknowledgement at once even when the
        Web API is slow, and a second submission is refused instead of sending a second copy."""
        self.require_hr(user_id)
        # HR's text is stored and posted too: it may not carry a マイナンバー either.
        text = mask_my_numbers(((values.get("answer") or {}).get("value") or {}).get("value") or "")
        if not text.strip():
            return {"response_action": "errors", "errors": {"answer": self.hr_msg.answer_empty}}
        question = self._question(int(metadata))
        if not self.service.review_queue().record_answer(self._item(question.id).id, text, by=user_id):
            return {"response_action": "errors", "errors": {"answer": self.hr_msg.answer_already_sent}}
        return None

    def deliver_answer(self, user_id: str, metadata: str) -> None:
        """Post HR's recorded answer to the asker, where they asked, marked as HR's.

        If Slack refuses the post, the answer is withdrawn so HR can send it again, and HR is told."""
        question = self._question(int(metadata))
        item = self._item(question.id)
        text, msg = item.hr_answer or "", self._messages(question)
        if not text or item.answered_by != user_id:
            return
        try:
            self._post_to_asker(question, [
                section(f"*{msg.hr_answer_label}*\n{text}"),
                context(f"{msg.hr_answer_question}: {question.question[:300]}")],
                f"{msg.hr_answer_label}: {text[:200]}")
        except SlackApiError as exc:
            error = exc.response.get("error", "") if isinstance(exc.response.data, dict) else ""
            log.warning("HR answer to question %s refused by Slack (%s)", question.id, error)
            self.service.review_queue().withdraw_answer(item.id, by=user_id)
            self._tell(user_id, self.hr_msg.text("answer_refused", error=error or self.hr_msg.slack_error))

    def add_modal(self, user_id: str, question_id: int) -> dict[str, Any]:
        self.require_hr(user_id)
        question = self._question(question_id)
        self._start(user_id, question_id)
        content = self.service.content
        suggested = question.candidate_ids[:content.matching.max_candidates]
        return ab.add_modal(self.hr_msg, question_id, question.question, content.active_entries(), suggested)

    def submit_add(self, user_id: str, values: dict[str, Any], metadata: str) -> Ack:
        """Teach an existing entry this question, or open a new entry pre-filled with it."""
        self.require_hr(user_id)
        question = self._question(int(metadata))
        target = values["target"]["value"]["selected_option"]["value"]
        item = self._item(question.id)
        if target == ab.NEW_ENTRY:
            return {"response_action": "update", "view": self.entry_modal(
                user_id, None, item_id=item.id, prefill={"question": question.question,
                                                         "phrasings": [question.question]})}
        entry, version = self.editor.current(target) or (None, None)
        if entry is None:
            return {"response_action": "errors", "errors": {"target": self.hr_msg.entry_not_found}}
        phrasing = " ".join(question.question.split())[:200]
        taught = entry.model_copy(update={"phrasings": [*entry.phrasings, phrasing]})
        changes = self.editor.regression([taught])
        if changes:
            # Show the editor with the change and its effects; saving needs the confirmation.
            return {"response_action": "update", "view": ab.entry_modal(
                self.hr_msg, entry, metadata={"id": entry.id, "v": version, "item": item.id},
                notices=self.service.content.notices, prefill=taught.model_dump(mode="json"),
                changes=changes)}
        self.editor.add_phrasing(target, phrasing, by=user_id)
        self.service.review_queue().link_to_entry(item.id, target, by=user_id)
        return None

    def dismiss(self, user_id: str, question_id: int) -> str:
        self.require_hr(user_id)
        self.service.review_queue().close_item(self._item(question_id).id, "out_of_scope", by=user_id)
        return self.hr_msg.dismissed

    def notify_group(self, user_id: str, group_id: int) -> str:
        """Tell everyone who asked in the group that the FAQ now answers it: once."""
        self.require_hr(user_id)
        queue = self._swept_queue()
        try:
            group = queue.group(group_id)
        except NotFound:
            group = None
        if group is None or not group.entry_id:
            return self.hr_msg.group_no_entry
        if not queue.claim_notification(group_id, by=user_id):
            return self.hr_msg.group_already_notified
        for item in group.items:
            question = item.question
            reply = self.service.entry_reply(group.entry_id, question.language)
            if reply is None:
                continue
            msg = self._messages(question)
            self._post_to_asker(question, [section(msg.faq_added_notice)] + reply_blocks(reply, msg, None),
                                msg.faq_added_notice)
        return self.hr_msg.text("group_notified", count=str(len(group.items)))

    def home_blocks(self, user_id: str) -> list[dict[str, Any]]:
        if not self.is_hr(user_id):
            return []
        queue = self._swept_queue()
        return ab.hr_home_blocks(self.hr_msg, stats(self.service.store), [g for g in queue.groups() if g.status == "open"])

    # -- helpers ------------------------------------------------------------------------

    def _question(self, question_id: int) -> Question:
        question = self.service.store.question(question_id)
        if question is None:
            raise NotFound(f"no question {question_id}")
        return question

    def _swept_queue(self) -> ReviewQueue:
        """The review queue after unpicked clarifications joined it, for listing it to HR."""
        queue = self.service.review_queue()
        queue.sweep_abandoned()
        return queue

    def _start(self, user_id: str, question_id: int) -> None:
        self.service.review_queue().start(self._item(question_id).id, by=user_id)

    def _item(self, question_id: int) -> ReviewItem:
        return self.service.review_queue().item_for_question(question_id)

    def _messages(self, question: Question) -> MessageSet:
        return self.service.content.messages.for_language(question.language)

    def _post_to_asker(self, question: Question, blocks: list[dict[str, Any]], text: str) -> None:
        """In the asker's thread or DM; a /faq question (shown only to them) gets a DM."""
        if question.channel_kind in ("mention", "im") and question.channel_id:
            channel, thread = question.channel_id, question.thread_ts
        else:
            channel, thread = question.user_id, None
        self.client.chat_postMessage(channel=channel, thread_ts=thread, blocks=blocks, text=escape(text),
                                     unfurl_links=False)

    def _tell(self, user_id: str, text: str) -> None:
        self.client.chat_postMessage(channel=user_id, text=text)

