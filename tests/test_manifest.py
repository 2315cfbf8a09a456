"""The manifest asks for what the app listens to, and no more."""

import re
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
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read", "channels:read", "chat:write", "commands", "files:write", "groups:read", "im:history",
        "users:read"]


def test_command_descriptions_name_no_configuration():
    """Every user sees the slash commands' descriptions; settings are not their business."""
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    for command in manifest["features"]["slash_commands"]:
        assert not re.search(r"[A-Z]{2,}_[A-Z]+", command["description"] + command.get("usage_hint", ""))


def test_standin_refuses_what_the_manifest_does_not_grant():
    from testsupport.slack_standin import StubSlack
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    stub = StubSlack(scopes=frozenset({"chat:write"}))
    try:
        client = WebClient(token="xoxb-scoped", base_url=stub.api_url)
        assert client.chat_postMessage(channel="C1", text="ok")["ok"]
        try:
            client.files_upload_v2(channel="C1", content=b"png", filename="chart.png")
        except SlackApiError as exc:
            assert exc.response["error"] == "missing_scope" and exc.response["needed"] == "files:write"
        else:
            raise AssertionError("files:write was not enforced")
    finally:
        stub.close()


def test_the_package_ships_the_same_manifest():
    """`faqbot doctor` reads the scopes from the installed package, not from a checkout."""
    from importlib import resources

    shipped = resources.files("bot").joinpath("manifest.yml").read_text(encoding="utf-8")
    assert shipped == (ROOT / "manifest.yml").read_text(encoding="utf-8")


def test_procfile_runs_both_modes():
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    assert "web: faqbot serve" in lines and "worker: faqbot run" in lines
