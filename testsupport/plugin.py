"""The shared fixtures (``pytest_plugins = ["testsupport.plugin"]``): the shipped content, one
engine, fresh real SQLite files (always closed), the stand-in Slack and the app on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from faq.answerer import Answerer
from faq.content import FaqContent, load_content
from faq.service import FaqService
from faq.store import Store
from testsupport.slack_app import RunningApp, start_app
from testsupport.slack_standin import StubSlack


@pytest.fixture(scope="session")
def content() -> FaqContent:
    return load_content()


@pytest.fixture(scope="session")
def answerer(content: FaqContent) -> Answerer:
    return Answerer(content)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "faqbot.db"


@pytest.fixture
def open_store() -> Iterator[Callable[[Path | str], Store]]:
    """Opens more stores on any file (another process's view, a second worker); all are closed."""
    opened: list[Store] = []

    def open_one(path: Path | str) -> Store:
        opened.append(Store(path))
        return opened[-1]

    yield open_one
    for s in opened:
        s.close()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def service(store: Store) -> FaqService:
    return FaqService.open(store)


@pytest.fixture
def stub() -> Iterator[StubSlack]:
    s = StubSlack()
    yield s
    s.close()


@pytest.fixture
def slack_app(stub: StubSlack, db_path: Path) -> Iterator[RunningApp]:
    running, _ = start_app(stub, db_path)
    yield running
    running.stop()
