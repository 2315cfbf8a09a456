"""Block Kit for HR: the entry editor, history, the review queue and HR's App Home section.

Pure functions, like blocks.py. Input block ids are the Entry field names, so a validation
error from the pydantic model lands on the field it is about.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import button, context, escape, plain_text, section
from faq.content import Notice
from faq.editing import Change
from faq.models import Entry, EntryKind
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


def entry_modal(entry: Entry | None, *, metadata: dict[str, Any], notices: dict[str, Notice],
                prefill: dict[str, Any] | None = None, changes: list[Change] | None = None) -> dict[str, Any]:
    """Add or edit one entry; ``prefill`` keeps what HR typed, ``changes`` asks to confirm."""
    data = dict(entry.model_dump(mode="json")) if entry else {}
    data.update({k: v for k, v in (prefill or {}).items() if not k.startswith("_")})
    blocks: list[Block] = []
    if changes:
        listed = "\n".join(f"・{escape(c.question)}：{c.before} → {c.after}" for c in changes[:15])
        blocks += [section(f":warning: この変更で回答が変わる質問が {len(changes)} 件あります。"),
                   {"type": "section", "text": {"type": "mrkdwn", "text": listed[:2900]}},
                   {"type": "input", "block_id": CONFIRM, "label": plain_text("確認", 100), "element": {
                       "type": "checkboxes", "action_id": "value", "options": [
                           {"text": plain_text("それでも保存する", 75), "value": "yes"}]}}]
    if entry is None:
        blocks.append(_input("id", "ID（英小文字・数字・ハイフン）", data.get("id", ""),
                             hint="例: payroll-delay"))
        kind = data.get("kind", EntryKind.ANSWER.value)
        options = {"answer": "通知から回答する", "escalate": "通知に記載なし（人事課へ案内）",
                   "smalltalk": "あいさつ・使い方"}
        option = lambda v: {"text": plain_text(options[v], 75), "value": v}  # noqa: E731
        blocks.append({"type": "input", "block_id": "kind", "label": plain_text("種類", 100), "element": {
            "type": "static_select", "action_id": "value", "options": [option(v) for v in options],
            "initial_option": option(kind)}})
    phrasings = data.get("phrasings") or []
    sources = (sources_text(entry) if entry and not prefill else
               "\n".join(f"{s.get('notice', '')} | {s.get('quote', '')}" for s in data.get("sources") or []))
    blocks += [
        _input("question", "質問（代表的な聞き方）", data.get("question", ""), max_length=200),
        _input("phrasings", "言い換え（1行に1つ、8つ以上）", "\n".join(phrasings), multiline=True),
        _input("answer", "回答（です・ます、400字以内）", data.get("answer", ""), multiline=True, max_length=400),
        _input("sources", "出典（1行に1つ：通知ID | 通知の文をそのまま）", sources, multiline=True,
               optional=True, hint="通知ID: " + ", ".join(sorted(notices))),
        _input("question_en", "Question (English)", data.get("question_en", ""), max_length=200),
        _input("phrasings_en", "Phrasings (English, one per line, 3 or more)",
               "\n".join(data.get("phrasings_en") or []), multiline=True),
        _input("answer_en", "Answer (English)", data.get("answer_en", ""), multiline=True, max_length=800),
    ]
    title = "FAQを編集" if entry else "FAQを追加"
    return {"type": "modal", "callback_id": ENTRY_MODAL, "title": plain_text(title, 24),
            "submit": plain_text("保存", 24), "close": plain_text("キャンセル", 24),
            "private_metadata": json.dumps(metadata), "blocks": blocks}


def field_errors(problems) -> dict[str, str]:
    """Validation problems keyed by the input block they concern."""
    errors: dict[str, str] = {}
    for p in problems:
        name = (p.field or "question").split(".")[0]
        block = name if name in (*TEXT_FIELDS, *LINE_FIELDS, "id", "kind") else "question"
        errors.setdefault(block, p.message[:150])
    return errors


def entry_list_blocks(rows: list[StoredEntry], heading: str) -> list[Block]:
    """Entries with their actions (edit, history, retire or restore), at most 15."""
    blocks: list[Block] = [section(heading), {"type": "actions", "block_id": "admin_menu", "elements": [
        button("新しいエントリ", ADMIN_NEW, "new", "primary"),
        button("確認待ちの質問", ADMIN_REVIEW, "open"),
        button("表記ゆれ", ADMIN_SYNONYMS, "synonyms")]}]
    for row in rows[:15]:
        entry = row.entry
        state = "（廃止）" if entry.retired else ""
        token = json.dumps({"id": entry.id, "v": row.version})
        toggle = (button("復元", ADMIN_RESTORE, token) if entry.retired
                  else button("廃止", ADMIN_RETIRE, token, "danger"))
        blocks += [section(f"*{entry.id}* v{row.version}{state}\n{entry.question}"),
                   {"type": "actions", "block_id": f"entry:{entry.id}", "elements": [
                       button("編集", ADMIN_EDIT, entry.id), button("履歴", ADMIN_HISTORY, entry.id), toggle]}]
    return blocks


def history_modal(entry_id: str, revisions: list[Revision]) -> dict[str, Any]:
    blocks: list[Block] = []
    for r in reversed(revisions[-20:]):
        fields = ", ".join(r.changed_fields)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(
            f"v{r.version}  {r.changed_at}  {r.changed_by}  {r.action}  {fields}")},
            "accessory": button("この版に戻す", ADMIN_ROLLBACK, json.dumps({"id": entry_id, "v": r.version}))})
    return {"type": "modal", "callback_id": HISTORY_MODAL, "title": plain_text(f"履歴 {entry_id}", 24),
            "close": plain_text("閉じる", 24), "private_metadata": entry_id, "blocks": blocks or [section("履歴なし")]}


def review_actions(question_id: int) -> Block:
    """What HR can do with one question: answer the person, teach the FAQ, or close it."""
    value = str(question_id)
    return {"type": "actions", "block_id": f"review:{question_id}", "elements": [
        button("回答する", REVIEW_ANSWER, value, "primary"), button("FAQに追加", REVIEW_ADD, value),
        button("対象外", REVIEW_DISMISS, value)]}


def review_blocks(groups: list[ReviewGroup]) -> list[Block]:
    if not groups:
        return [section("確認待ちの質問はありません。")]
    blocks: list[Block] = [section(f"*確認待ちの質問*（{len(groups)} グループ）")]
    for g in groups[:12]:
        first = g.items[0]
        reasons = {"escalate": "回答できず", "downvote": "👎", "clarify": "選択なし"}
        blocks.append(section(f"*#{g.id}* {status_label(g.status)} ×{len(g.items)}（{reasons.get(first.reason, first.reason)}）\n"
                               f"{first.question.question[:300]}"))
        elements = review_actions(first.question_id)["elements"]
        if g.entry_id and not g.notified_at:
            elements.append(button(f"質問者{len(g.items)}人に知らせる", REVIEW_NOTIFY, str(g.id)))
        blocks.append({"type": "actions", "block_id": f"group:{g.id}", "elements": elements})
    return blocks


def answer_modal(question_id: int, question: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": ANSWER_MODAL, "title": plain_text("質問者に回答", 24),
            "submit": plain_text("送信", 24), "close": plain_text("キャンセル", 24),
            "private_metadata": str(question_id), "blocks": [
                section(f"*質問*\n{question}"),
                _input("answer", "回答（質問者に人事課からの回答として届きます）", multiline=True, max_length=2500)]}


def add_modal(question_id: int, question: str, entries: list[Entry], suggested: list[str]) -> dict[str, Any]:
    """Add the question to an entry (the engine's guesses first) or start a new entry with it."""
    def option(value: str, text: str) -> dict[str, Any]:
        return {"text": plain_text(text, 75), "value": value}

    ordered = suggested + [e.id for e in entries if e.id not in suggested]
    by_id = {e.id: e for e in entries}
    options = [option(NEW_ENTRY, "＋ 新しいエントリを作る")] + [
        option(i, f"{i}: {by_id[i].question}") for i in ordered if i in by_id][:99]
    initial = options[1] if suggested and len(options) > 1 else options[0]
    return {"type": "modal", "callback_id": ADD_MODAL, "title": plain_text("FAQに追加", 24),
            "submit": plain_text("次へ", 24), "close": plain_text("キャンセル", 24),
            "private_metadata": str(question_id), "blocks": [
                section(f"*質問*\n{question}"),
                {"type": "input", "block_id": "target", "label": plain_text("追加先", 100), "element": {
                    "type": "static_select", "action_id": "value", "options": options, "initial_option": initial}}]}


def synonyms_modal(synonyms: dict[str, list[str]], version: int | None) -> dict[str, Any]:
    text = "\n".join(f"{k}: {', '.join(v)}" for k, v in synonyms.items())
    return {"type": "modal", "callback_id": SYNONYMS_MODAL, "title": plain_text("表記ゆれ", 24),
            "submit": plain_text("保存", 24), "close": plain_text("キャンセル", 24),
            "private_metadata": json.dumps({"v": version}), "blocks": [
                _input("synonyms", "1行に1つ：正規形: 異表記, 異表記", text, multiline=True,
                       hint="動詞は辞書形で（漏れる、辞める）")]}


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


def hr_home_blocks(stats: dict[str, Any], groups: list[ReviewGroup]) -> list[Block]:
    """HR's part of App Home: the numbers at a glance, the queue, the editing tools."""
    blocks: list[Block] = [
        {"type": "divider"}, {"type": "header", "text": plain_text("人事課メニュー", 150)},
        section(f"質問 {stats['questions']} 件　回答 {stats['answer_rate']:.0%}　選択肢提示 {stats['clarify_rate']:.0%}"
                 f"　人事課へ {stats['escalation_rate']:.0%}　確認待ち {stats['open_review_items']} 件"),
    ]
    if stats["top_entries"]:
        top = "、".join(f"{t['entry_id']}（{t['questions']}）" for t in stats["top_entries"][:5])
        blocks.append(context(f"よく見られた回答: {top}"))
    votes = [f"{e} 👍{v['up']} 👎{v['down']}" for e, v in stats["feedback"].items() if v["down"]]
    if votes:
        blocks.append(context("👎 のあった回答: " + "、".join(votes[:8])))
    blocks.append({"type": "actions", "block_id": "admin_home", "elements": [
        button("確認待ちの質問", ADMIN_REVIEW, "open", "primary"), button("エントリ一覧", ADMIN_LIST, "all"),
        button("新しいエントリ", ADMIN_NEW, "new"), button("表記ゆれ", ADMIN_SYNONYMS, "synonyms")]})
    blocks.append(context("エントリの検索は /faq-admin 検索語 で。"))
    return blocks + review_blocks(groups)[1:9]
