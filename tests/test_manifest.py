"""The manifest asks for what the app listens to, and no more."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_manifest_matches_the_listeners():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == [
        "app_home_opened", "app_mention", "message.im"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/faq", "/faq-admin"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == ["app_mentions:read", "chat:write", "commands",
                                                                  "im:history"]


def test_procfile_runs_both_modes():
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    assert "web: faqbot serve" in lines and "worker: faqbot run" in lines
