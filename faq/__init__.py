"""The FAQ engine: content, normalisation, matching, the answer decision and storage.

Nothing in this package knows about Slack; the bot, the CLI and the tests all use it alike.
"""
