"""The service: import on first start, live reload across processes, last good FAQ kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq.content import ContentError
from faq.models import Origin, Outcome
from faq.service import FaqService
from testsupport.builders import copy_content


def test_first_start_imports_and_answers(service: FaqService):
    answered = service.ask("マイナンバーは大丈夫？", Origin("im", "U1"))
    assert answered.decision.outcome is Outcome.ANSWER
    assert answered.question_id is not None
    assert "暗号化" in answered.reply.as_text()


def test_an_edit_in_another_process_answers_the_next_question(service: FaqService, db_path: Path, open_store):
    other = open_store(db_path)  # another process's connection to the same file
    entry = next(e for e in other.entries() if e.id == "contact-hr")
    other.save_entry(entry.model_copy(update={"answer": "人事課の窓口は平日9時から開いています。"}),
                     changed_by="U_HR", expected_version=1)
    answered = service.ask("人事課の電話番号は？", Origin("im"), log_question=False)
    assert answered.reply.body == "人事課の窓口は平日9時から開いています。"


def test_broken_files_keep_the_last_good_faq(tmp_path: Path, db_path: Path, open_store, caplog):
    FaqService.open(open_store(db_path))  # a good start imports the FAQ
    broken = copy_content(tmp_path / "content")
    (broken / "entries" / "leak.yaml").write_text("id: leak\nanswer: [\n", encoding="utf-8")
    service = FaqService.open(open_store(db_path), broken)
    assert "leak.yaml" in caplog.text
    assert service.ask("情報は漏れた？", Origin("im"), log_question=False).decision.entry_id == "leak"


def test_broken_files_on_an_empty_database_stop_with_the_problems(tmp_path: Path, db_path: Path, open_store):
    broken = copy_content(tmp_path / "content")
    (broken / "entries" / "leak.yaml").write_text("id: leak\n", encoding="utf-8")
    with pytest.raises(ContentError, match="leak.yaml"):
        FaqService.open(open_store(db_path), broken)


def test_a_message_and_its_refused_parts_are_one_write(service: FaqService, monkeypatch):
    """A failure while logging the part for HR leaves no claim behind: a redelivery answers again."""
    text = "原因は何ですか？身代金は払ったんですか？"
    real = service.store.log_question

    def failing_on_parts(decision, origin, **kwargs):
        if origin.event_id and "#part" in origin.event_id:
            raise RuntimeError("disk gone while logging the part")
        return real(decision, origin, **kwargs)

    monkeypatch.setattr(service.store, "log_question", failing_on_parts)
    with pytest.raises(RuntimeError):
        service.ask(text, Origin("im", "U1", event_id="EvParts"), tell_hr=True)
    assert service.store.question_by_event("EvParts") is None
    monkeypatch.setattr(service.store, "log_question", real)
    answered = service.ask(text, Origin("im", "U1", event_id="EvParts"), tell_hr=True)
    assert answered.question_id is not None and len(answered.refused_ids) == 1
    assert service.store.question_by_event("EvParts#part1").entry_id == "not-in-notice-ransom"
