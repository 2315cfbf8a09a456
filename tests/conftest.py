"""Shared fixtures: the shipped content, one engine, and fresh real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq.answerer import Answerer
from faq.content import FaqContent, load_content
from faq.service import FaqService
from faq.store import Store


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
def store(db_path: Path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def service(store: Store) -> FaqService:
    return FaqService.open(store)


@pytest.fixture
def stub():
    from bench.slack_standin import StubSlack

    s = StubSlack()
    yield s
    s.close()


@pytest.fixture
def slack_app(stub, db_path):
    from tests.slack_app import start_app

    running, server = start_app(stub, db_path)
    yield running
    running.bot.stop()
    server.shutdown()
    server.server_close()
    running.executor.shutdown(wait=True)
