"""Logging that never carries a token, a request body or an unmasked マイナンバー.

slack_sdk logs request bodies and Bolt logs parts of unhandled requests at DEBUG/WARNING;
those loggers are held at WARNING whatever LOG_LEVEL says. Bolt resets its own loggers to
the root level when an App is built, so the handlers' filter also drops their records below
WARNING, whenever the App was built; every record that passes has tokens removed and personal
data masked, over a bounded length.
"""

from __future__ import annotations

import logging
import re

from faq.privacy import cut_text, mask_personal_data

_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+")
_NOISY = ("slack_bolt", "slack_sdk")
MAX_LOG_CHARS = 4000


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with tokens removed and personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_NOISY) and record.levelno < logging.WARNING:
            return False
        message = cut_text(record.getMessage(), MAX_LOG_CHARS)
        if record.name.startswith("slack_bolt") and "Unhandled request" in message:
            message = "Unhandled request (body not logged)"
        record.msg = mask_personal_data(_TOKEN.sub("[token]", message))
        record.args = ()
        return True


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper() or "WARNING",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    for name in _NOISY:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.WARNING, logger.getEffectiveLevel()))
