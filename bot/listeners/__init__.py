"""Slack listeners, grouped by Slack feature; each module exposes ``register(app, conversation)``."""
