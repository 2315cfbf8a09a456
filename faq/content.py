"""Load and validate the curated content: entries, synonyms, notices and matching settings.

Loading is all-or-nothing: every problem in every file is collected and reported with the
file, the entry id and the field, and nothing is returned unless everything is valid, so the
caller keeps serving the last good FAQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Iterable

import yaml
from pydantic import BaseModel, Field, ValidationError

from faq import facts
from faq.errors import ContentError
from faq.models import Entry, EntryKind, Notice
from faq.privacy import contains_my_number

CONTENT_DIR = Path(__file__).parent / "content"
M = TypeVar("M", bound=BaseModel)


class AcceptRule(BaseModel):
    """A match is on topic when its coverage and evidence both reach one rule's floor."""

    coverage: float
    evidence: float


class ScoreWeights(BaseModel):
    """How the three signals of the matcher add up to one score."""

    coverage: float
    lexical: float
    fuzzy: float


class FocusPhrases(BaseModel):
    """Phrases that frame a question without being part of it (see ``faq.focus``)."""

    formulas: list[str] = []
    set_aside: list[str] = []
    short_question_chars: int
    affiliations: list[str] = []


class LikelyRule(BaseModel):
    """When an entry that is not fully on topic is still answered (see answerer._likely)."""

    coverage: float
    evidence: float
    margin: float
    words: int = 1


class AskRule(BaseModel):
    """Phrases that ask for one kind of information, and phrases of an answer that holds it."""

    question: list[str]
    answer: list[str] = []


class PartsPhrases(BaseModel):
    """Where a message may be cut into several questions (see ``faq.parts``)."""

    joiners: list[str] = []
    # joiners whose words belong to the question before them (「…のはいつで、…」): the cut is after them
    joiners_kept: list[str] = []
    targets: list[str] = []
    max_parts: int


class MatchingConfig(BaseModel):
    """Thresholds of the answer/clarify/escalate decision (see content/matching.yaml)."""

    weights: ScoreWeights
    answer_min_score: float
    answer_min_margin: float
    answer_min_coverage_lead: float
    clarify_min_score: float
    accept: list[AcceptRule]
    smalltalk_min_score: float
    smalltalk_min_fuzzy: float
    smalltalk_min_coverage: float = 1.0
    kana_max_kanji_share: float
    reading_min_coverage: float
    reading_min_lead: float
    max_candidates: int = 3
    light_words: list[str] = []
    light_phrases: list[str] = []
    focus: FocusPhrases
    likely: list[LikelyRule]
    asks_for: dict[str, AskRule] = {}
    clarify_band: AcceptRule
    context_weight: float = 0.0
    context_cap: float = 1.0e9
    parts: PartsPhrases
    follow_up_max_words: int = 2
    follow_up_context_weight: float = 0.5
    follow_up_stay_coverage: float = Field(0.75, ge=0.0, le=1.0)
    follow_up_parties: list[str] = []
    follow_up_slots: dict[str, AskRule] = {}
    english_names: dict[str, str] = {}
    follow_up_party_side: list[str] = []
    follow_up_entry_party_share: float = 0.5
    follow_up_default_party: str | None = None
    cut_max_atoms: int
    cut_min_score: float
    follow_up_minutes: int = 10
    review_group_similarity: float = 75.0
    review_abandoned_minutes: int = 30
    max_match_chars: int
    prefilter: int
    spelling_min_length: int
    spelling_min_similarity: float
    homophone_min_reading: int
    sound_slip_min_reading: int


class Texts(BaseModel):
    """A set of texts with {placeholders}; ``text`` is the one way to fill them in."""

    def _fixed(self) -> dict[str, str]:
        """Placeholders every text of the set may use."""
        return {}

    def text(self, name: str, **values: str) -> str:
        """The message ``name`` with the set's fixed placeholders and ``values`` filled in."""
        text = getattr(self, name)
        for key, value in {**self._fixed(), **values}.items():
            text = text.replace("{" + key + "}", value)
        return text


class MessageSet(Texts):
    """User-facing texts in one language (see content/messages.yaml)."""

    hr_contact: str
    escalate_generic: str
    escalate_entry_suffix: str
    escalate_hr_notified: str
    clarify_intro: str
    clarify_none: str
    part_heading: str
    clarify_none_button: str
    related_label: str
    sources_label: str
    updated_label: str
    empty_question: str
    my_number_warning: str
    my_number_warning_private: str
    ask_hr_not_yours: str
    feedback_thanks: str
    feedback_sorry: str
    ask_hr_button: str
    chat_welcome: str
    chat_pick_hint: str
    feedback_up_button: str
    feedback_down_button: str
    ask_hr_done: str
    hr_answer_label: str
    home_title: str
    home_intro: str
    home_examples_label: str
    home_privacy: str
    hr_post_title: str
    hr_post_reason_escalate: str
    hr_post_reason_downvote: str
    hr_post_asker: str
    hr_post_where: str
    hr_post_question: str
    hr_post_guesses: str
    hr_post_no_guess: str
    slash_place: str
    refused_not_hr: str
    action_failed: str
    faq_added_notice: str
    hr_answer_question: str
    saved_entry: str
    edit_conflict: str

    def _fixed(self) -> dict[str, str]:
        """{hr} in any message, so the HR line is written once."""
        return {"hr": self.hr_contact}


class HrMessageSet(Texts):
    """HR's own tools: the entry editor, the review queue, HR's App Home, the weekly digest.

    Japanese only, as HR works in Japanese (the ``hr`` section of content/messages.yaml)."""

    edit_title: str
    add_title: str
    save: str
    cancel: str
    close: str
    next: str
    send: str
    regression_warning: str
    regression_item: str
    confirm_label: str
    confirm_save: str
    id_label: str
    id_hint: str
    kind_label: str
    kind_answer: str
    kind_escalate: str
    kind_smalltalk: str
    question_label: str
    phrasings_label: str
    answer_label: str
    sources_label: str
    sources_hint: str
    question_en_label: str
    phrasings_en_label: str
    answer_en_label: str
    id_taken: str
    list_heading: str
    search_heading: str
    entries_text: str
    admin_menu_text: str
    new_entry_button: str
    entries_button: str
    synonyms_button: str
    edit_button: str
    history_button: str
    retire_button: str
    restore_button: str
    retired_mark: str
    retired_done: str
    restored_done: str
    history_title: str
    no_history: str
    rollback_button: str
    synonyms_input_label: str
    synonyms_hint: str
    synonyms_my_number: str
    synonyms_empty: str
    review_button: str
    review_heading: str
    review_empty: str
    reason_escalate: str
    reason_downvote: str
    reason_clarify: str
    answer_button: str
    add_button: str
    dismiss_button: str
    notify_button: str
    question_heading: str
    answer_title: str
    answer_input_label: str
    answer_empty: str
    answer_already_sent: str
    answer_refused: str
    slack_error: str
    new_entry_option: str
    target_label: str
    entry_not_found: str
    dismissed: str
    group_no_entry: str
    group_already_notified: str
    group_notified: str
    menu_header: str
    stats_summary: str
    stats_top: str
    stats_top_item: str
    stats_downvoted: str
    home_downvoted_item: str
    digest_downvoted_item: str
    list_separator: str
    search_hint: str
    digest_title: str
    digest_period: str
    digest_text: str
    digest_chart_title: str


class Messages(BaseModel):
    ja: MessageSet
    en: MessageSet
    hr: HrMessageSet

    def for_language(self, language: str | None) -> MessageSet:
        """English for a question asked in English, Japanese otherwise (the one lookup)."""
        return self.en if language == "en" else self.ja


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, precise enough for HR to fix it."""

    file: str
    entry_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry_id:
            where += f" [entry {self.entry_id}]"
        if self.field:
            where += f" field '{self.field}'"
        return f"{where}: {self.message}"


@dataclass
class FaqContent:
    """Everything the engine needs, validated together."""

    entries: list[Entry]
    synonyms: dict[str, list[str]]
    notices: dict[str, Notice]
    matching: MatchingConfig
    messages: Messages

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def active_entries(self) -> list[Entry]:
        """The entries the bot answers from, suggests or shows: retired ones are kept for their
        history only. The one place retired entries are filtered out."""
        return [e for e in self.entries if not e.retired]

    def active_entry(self, entry_id: str) -> Entry | None:
        """One entry the bot may show, or None when there is none or it is retired."""
        entry = self.entry(entry_id)
        return entry if entry is not None and not entry.retired else None


def _field_path(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(entry)"


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, None, None, f"cannot read file: {exc}"))
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, None, None, f"not valid YAML: {exc}"))
    return None


def parse_entry(raw: Any, file: str, problems: list[Problem]) -> Entry | None:
    """Validate one raw mapping as an Entry, appending problems instead of raising."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, None, None, "an entry must be a mapping of fields"))
        return None
    entry_id = str(raw.get("id")) if raw.get("id") is not None else None
    try:
        return Entry.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(file, entry_id, _field_path(err["loc"]), err["msg"]))
    return None


def load_notices(directory: Path, problems: list[Problem]) -> dict[str, Notice]:
    """Read notice Markdown files with a YAML front matter block."""
    notices: dict[str, Notice] = {}
    for path in sorted(directory.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        parts = text.split("---", 2)
        if not text.startswith("---") or len(parts) < 3:
            problems.append(Problem(path.name, None, None, "missing '---' front matter"))
            continue
        try:
            meta = yaml.safe_load(parts[1]) or {}
            notice = Notice.model_validate({**meta, "body": parts[2].strip()})
        except (yaml.YAMLError, ValidationError) as exc:
            problems.append(Problem(path.name, None, None, f"invalid front matter: {exc}"))
            continue
        notices[notice.id] = notice
    return notices


def notice_text(notice: Notice) -> str:
    """The text facts may be checked against: the body plus the notice's own date."""
    return f"{notice.date.isoformat()}\n{notice.body}"


def check_entry_against_notices(
    entry: Entry, notices: dict[str, Notice], file: str
) -> list[Problem]:
    """Every quote is verbatim in its notice; every fact in an answer is in a cited notice."""
    problems: list[Problem] = []
    cited: list[Notice] = []
    for i, source in enumerate(entry.sources):
        notice = notices.get(source.notice)
        if notice is None:
            problems.append(Problem(file, entry.id, f"sources.{i}.notice",
                                    f"unknown notice '{source.notice}' (known: {', '.join(sorted(notices))})"))
            continue
        cited.append(notice)
        if source.quote not in notice.body:
            problems.append(Problem(file, entry.id, f"sources.{i}.quote",
                                    f"quote is not verbatim in notice {notice.id}"))
    if entry.kind is EntryKind.ANSWER and cited:
        known = "\n".join(notice_text(n) for n in cited)
        for name in ("answer", "answer_en"):
            for fact in facts.unsupported(getattr(entry, name), known):
                problems.append(Problem(file, entry.id, name,
                                        f"states {fact}, which no cited notice contains"))
    return problems


def check_entry_privacy(entry: Entry, file: str) -> list[Problem]:
    """No text of an entry may hold a マイナンバー: entries and their revisions are kept for good."""
    problems = []
    for name, value in entry.model_dump(mode="json").items():
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and contains_my_number(t) for t in texts):
            problems.append(Problem(file, entry.id, name, "contains what looks like a マイナンバー; remove it"))
    return problems


def check_related(entry: Entry, kinds: dict[str, EntryKind], file: str) -> list[Problem]:
    """Related entries must be other answer entries that exist (``kinds``: id → kind)."""
    problems = []
    for i, related in enumerate(entry.related):
        if related == entry.id:
            problems.append(Problem(file, entry.id, f"related.{i}", "an entry cannot be related to itself"))
        elif related not in kinds:
            problems.append(Problem(file, entry.id, f"related.{i}", f"no entry with id {related!r}"))
        elif kinds[related] is not EntryKind.ANSWER:
            problems.append(Problem(file, entry.id, f"related.{i}", f"{related!r} is not an answer entry"))
    return problems


def validate_entries(
    entries_by_file: list[tuple[str, Entry]], notices: dict[str, Notice],
    known: dict[str, EntryKind] | None = None,
) -> list[Problem]:
    """Cross-entry checks: unique ids, honest sources, related entries that exist.

    ``known`` adds the kinds of entries outside the files (the FAQ an import is applied to)."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    kinds = {**(known or {}), **{entry.id: entry.kind for _, entry in entries_by_file}}
    for file, entry in entries_by_file:
        if entry.id in seen:
            problems.append(Problem(file, entry.id, "id", f"duplicate id (also in {seen[entry.id]})"))
        seen.setdefault(entry.id, file)
        problems.extend(check_entry_against_notices(entry, notices, file))
        problems.extend(check_entry_privacy(entry, file))
        problems.extend(check_related(entry, kinds, file))
        problems.extend(check_repeated_phrasings(entry, file))
    return problems


def check_repeated_phrasings(entry: Entry, file: str) -> list[Problem]:
    """A phrasing written twice weighs its words twice in matching, which no editor means."""
    problems: list[Problem] = []
    for field in ("phrasings", "phrasings_en"):
        first: dict[str, int] = {}
        for i, phrasing in enumerate(getattr(entry, field)):
            if phrasing in first:
                problems.append(Problem(file, entry.id, f"{field}.{i}", f"written twice (also {field}.{first[phrasing]})"))
            first.setdefault(phrasing, i)
    return problems


def load_entry_files(location: Path, problems: list[Problem]) -> list[tuple[str, Entry]]:
    """Read one entry file, or every *.yaml file of a folder; a file may hold a list of entries."""
    if location.is_file():
        paths = [location]
    else:
        paths = sorted(location.glob("*.yaml")) + sorted(location.glob("*.yml"))
        if not paths:
            problems.append(Problem(str(location), None, None, "no entry files (*.yaml) found"))
    loaded: list[tuple[str, Entry]] = []
    for path in paths:
        reported = len(problems)
        raw = _read_yaml(path, problems)
        if len(problems) > reported:
            continue  # an unreadable file is one problem, not also "not a mapping"
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            entry = parse_entry(item, path.name, problems)
            if entry is not None:
                loaded.append((path.name, entry))
    return loaded


def load_synonyms(path: Path, problems: list[Problem]) -> dict[str, list[str]]:
    raw = _read_yaml(path, problems) if path.exists() else {}
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in raw.items()
    ):
        problems.append(Problem(path.name, None, None,
                                "must map each canonical word to a list of variant strings"))
        return {}
    return {k: list(v) for k, v in raw.items()}


def _load_model(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    raw = _read_yaml(path, problems)
    if raw is None:
        problems.append(Problem(path.name, None, None, "file is missing or empty"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(path.name, None, _field_path(err["loc"]), err["msg"]))
    return None


def load_content(directory: Path = CONTENT_DIR, *, with_entries: bool = True) -> FaqContent:
    """Load the whole content directory, raising ContentError with every problem found.

    ``with_entries=False`` loads only notices, synonyms, settings and messages, for a
    process that serves the entries kept in its database.
    """
    problems: list[Problem] = []
    notices = load_notices(directory / "notices", problems)
    entries = load_entry_files(directory / "entries", problems) if with_entries else []
    synonyms = load_synonyms(directory / "synonyms.yaml", problems)
    matching = _load_model(directory / "matching.yaml", MatchingConfig, problems)
    messages = _load_model(directory / "messages.yaml", Messages, problems)
    problems.extend(validate_entries(entries, notices))
    if problems or matching is None or messages is None:
        raise ContentError(problems)
    return FaqContent([e for _, e in entries], synonyms, notices, matching, messages)
