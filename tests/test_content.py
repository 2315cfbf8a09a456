"""The shipped FAQ: coverage of the required topics, shape, and honesty against the notices."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from faq import facts
from faq.content import ContentError, load_content, notice_text
from faq.models import EntryKind
from testsupport.builders import copy_content

# The stable topic ids the FAQ must cover (faq-topics.md).
REQUIRED_TOPICS = [
    "what-happened", "when", "leak", "dark-web", "affected-data", "my-number", "cause",
    "investigation", "forensic", "secondary-damage", "precautions", "suspicious-contact",
    "contact-hr", "contact-roumu", "contact-mks", "service-restored", "ppc-report", "about-mks",
    "about-roumu", "why-me", "former-staff", "prevention", "timeline", "more-info",
]


def test_every_required_topic_is_an_answer_entry(content):
    kinds = {e.id: e.kind for e in content.entries}
    missing = [t for t in REQUIRED_TOPICS if kinds.get(t) is not EntryKind.ANSWER]
    assert missing == []


def test_notices_are_copied_into_the_repo(content):
    assert set(content.notices) == {"univ-2023-08-24", "roumu-2023-08-04", "mks-2023-07-31"}


def test_entries_have_enough_phrasings_and_short_answers(content):
    for entry in content.entries:
        assert len(entry.phrasings) >= 8, entry.id
        assert len(entry.phrasings_en) >= 3, entry.id
        assert len(entry.answer) <= 400, entry.id


POLITE_ENDINGS = ("です", "ます", "ました", "でした", "ません", "ください")


def _sentences(answer: str) -> list[str]:
    """Sentences ending in 。, without list items and without a trailing （…） note."""
    prose = [line for line in answer.splitlines() if not line.startswith("・")]
    parts = "".join(prose).split("。")
    return [re.sub(r"（[^（）]*）$", "", p.strip()) for p in parts if p.strip()]


def test_answers_are_polite_japanese(content):
    for entry in content.entries:
        for sentence in _sentences(entry.answer):
            if sentence in ("はい", "いいえ", "こんにちは", "どういたしまして"):  # polite set phrases
                continue
            assert sentence.endswith(POLITE_ENDINGS), (entry.id, sentence)


def test_every_quote_is_verbatim_in_its_notice(content):
    for entry in content.entries:
        for source in entry.sources:
            assert source.quote in content.notices[source.notice].body, (entry.id, source.quote)


@pytest.mark.parametrize("field", ["answer", "answer_en"])
def test_every_fact_in_an_answer_is_in_a_cited_notice(content, field):
    for entry in content.entries:
        if entry.kind is not EntryKind.ANSWER:
            continue
        cited = "\n".join(notice_text(content.notices[s.notice]) for s in entry.sources)
        assert facts.unsupported(getattr(entry, field), cited) == [], entry.id


def test_escalation_entries_say_the_notices_are_silent(content):
    for entry in content.entries:
        if entry.kind is EntryKind.ESCALATE:
            assert "記載がありません" in entry.answer or "お答えできません" in entry.answer, entry.id


def test_mks_hotline_answer_says_it_closed_and_points_to_hr(content):
    answer = content.entry("contact-mks").answer
    assert "10月31日" in answer and "終了" in answer
    assert "083-252-0288" in answer and "人事課" in answer


def test_hr_line_is_in_the_university_notice(content):
    assert "083-252-0288" in content.messages.ja.hr_contact
    assert facts.unsupported(content.messages.ja.hr_contact, content.notices["univ-2023-08-24"].body) == []


def _copy_content(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


def _edit(root: Path, entry_file: str, old: str, new: str) -> None:
    """Change one entry file of a copied content folder; the text must be there to change."""
    path = root / "entries" / entry_file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{entry_file} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_invented_fact_is_rejected_with_file_entry_and_field(tmp_path):
    root = _copy_content(tmp_path)
    _edit(root, "contact-hr.yaml", "083-252-0288）です", "083-252-9999）です")
    with pytest.raises(ContentError) as err:
        load_content(root)
    problem = err.value.problems[0]
    assert (problem.file, problem.entry_id, problem.field) == ("contact-hr.yaml", "contact-hr", "answer")
    assert "083-252-9999" in problem.message


def test_every_problem_is_reported_at_once_and_nothing_is_half_loaded(tmp_path):
    root = _copy_content(tmp_path)
    (root / "entries" / "leak.yaml").write_text("id: leak\nquestion: [unclosed\n", encoding="utf-8")
    _edit(root, "when.yaml", "phrasings:\n", "phrasings:\n  - ''\n")
    _edit(root, "cause.yaml", "notice: roumu-2023-08-04", "notice: nope")
    with pytest.raises(ContentError) as err:
        load_content(root)
    text = str(err.value)
    assert "leak.yaml: not valid YAML" in text
    assert "when.yaml [entry when] field 'phrasings'" in text
    assert "cause.yaml [entry cause] field 'sources.0.notice'" in text


def test_a_missing_text_or_tunable_is_named_with_its_section(tmp_path):
    """Every text and every matching tunable lives in a content file; leaving one out is a
    clear problem naming the file and the key, never a default hidden in the code."""
    root = _copy_content(tmp_path)
    for name, old in [("messages.yaml", "  digest_title: "), ("matching.yaml", "\nmax_match_chars: ")]:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} no longer contains {old!r}: update this test"
        path.write_text(text.replace(old, old.replace("digest_title", "digest_titel").replace("max_match", "max_matsch")),
                        encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    text = str(err.value)
    assert "messages.yaml field 'hr.digest_title': Field required" in text
    assert "matching.yaml field 'max_match_chars': Field required" in text


def test_a_quote_that_is_not_verbatim_is_rejected(tmp_path):
    root = _copy_content(tmp_path)
    _edit(root, "my-number.yaml", "高度な暗号化処理を施しており", "暗号化しており")
    with pytest.raises(ContentError, match=r"my-number.yaml \[entry my-number\] field 'sources.0.quote'"):
        load_content(root)


def test_duplicate_ids_are_rejected(tmp_path):
    root = _copy_content(tmp_path)
    shutil.copy(root / "entries" / "leak.yaml", root / "entries" / "leak-copy.yaml")
    with pytest.raises(ContentError, match="duplicate id"):
        load_content(root)


def test_a_phrasing_written_twice_is_rejected_where_it_repeats(tmp_path):
    root = _copy_content(tmp_path)
    _edit(root, "when.yaml", "  - いつ発生したの？\n", "  - いつ発生したの？\n  - いつ発生したの？\n")
    with pytest.raises(ContentError, match=r"when.yaml \[entry when\] field 'phrasings.\d+': written twice"):
        load_content(root)


def test_an_entry_may_not_hold_a_my_number(tmp_path):
    root = _copy_content(tmp_path)
    _edit(root, "when.yaml", "  - いつ発生したの？\n", "  - 123456789018 はいつ？\n")
    with pytest.raises(ContentError, match=r"when.yaml \[entry when\] field 'phrasings': contains what looks like"):
        load_content(root)


@pytest.mark.parametrize(("new", "message"), [
    ("related: [cause, nope]", "no entry with id 'nope'"),
    ("related: [forensic]", "an entry cannot be related to itself"),
    ("related: [cause, not-in-notice-ransom]", "'not-in-notice-ransom' is not an answer entry"),
    ("related: [cause, when, leak, timeline]", "at most 3"),
])
def test_related_entries_are_checked_with_file_entry_and_field(tmp_path, new, message):
    root = _copy_content(tmp_path)
    _edit(root, "forensic.yaml", "related: [investigation]", new)
    with pytest.raises(ContentError) as err:
        load_content(root)
    text = str(err.value)
    assert "forensic.yaml" in text and "forensic" in text and "related" in text and message in text
