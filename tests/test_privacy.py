import time

import pytest

from faq.models import Origin
from faq.privacy import (MAX_TEXT_CHARS, MY_NUMBER_MASK, contains_my_number, cut_text, is_valid_my_number,
                         mask_personal_data)

VALID = "123456789018"


def test_check_digit():
    assert is_valid_my_number(VALID)
    assert not is_valid_my_number("123456789012")
    assert not is_valid_my_number("12345678901")


@pytest.mark.parametrize("written", [
    VALID, "1234 5678 9018", "1234-5678-9018", "１２３４５６７８９０１８", "１２３４－５６７８－９０１８",
    "1234　5678　9018",
])
def test_my_number_is_masked_in_every_form(written):
    masked = mask_personal_data(f"私の番号は{written}です")
    assert masked == f"私の番号は{MY_NUMBER_MASK}です"
    assert contains_my_number(written)


def test_other_twelve_digit_numbers_are_left_alone():
    assert mask_personal_data("注文番号123456789012") == "注文番号123456789012"


def test_phone_and_email_are_masked():
    masked = mask_personal_data("090-1234-5678 か taro.yamada@example.ac.jp に連絡ください")
    assert "1234" not in masked and "yamada" not in masked
    assert "[電話番号]" in masked and "[メール]" in masked


# -- every separator people type between the groups (issue 10, item 3) ---------------------

NUMBER = "526018159084"
SEPARATORS = [" - ", ".", "\u00a0", "  ", "\n", "\t", "/", "、", "．", " / ", "・", "\u3000\u3000"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=repr)
def test_my_number_with_any_separator_is_masked(sep):
    written = sep.join([NUMBER[:4], NUMBER[4:8], NUMBER[8:]])
    masked = mask_personal_data(f"番号は{written}です")
    assert masked == f"番号は{MY_NUMBER_MASK}です"
    assert contains_my_number(written)


def test_a_number_joined_to_a_preceding_one_is_still_found():
    """An invalid first window must not swallow the valid number that follows it."""
    masked = mask_personal_data(f"内線 0288 {NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]} です")
    assert MY_NUMBER_MASK in masked and NUMBER[4:8] not in masked


def test_cutting_drops_a_number_that_crosses_the_cut():
    text = "あ" * (MAX_TEXT_CHARS - 6) + "5260 1815 9084"
    cut = cut_text(text)
    assert len(cut) <= MAX_TEXT_CHARS and "5260" not in cut and cut.endswith("あ")
    assert cut_text("短い質問") == "短い質問"


# -- bounded work at Slack's maximum length (issue 10, item 2) -----------------------------

SLACK_MAX = 40_000
# For each pattern, inputs that make a backtracking pattern rescan: long runs of what it
# accepts with the one character that would complete a match missing.
WORST = {
    "email local part": "a" * SLACK_MAX,
    "email in Japanese": "あ" * SLACK_MAX,
    "email digits": "1" * SLACK_MAX,
    "email domain without dot": "a@" + "b" * (SLACK_MAX - 2),
    "email many @": "a@" * (SLACK_MAX // 2),
    "email dots": "a." * (SLACK_MAX // 2),
    "my number spaced digits": "1 " * (SLACK_MAX // 2),
    "my number dashed digits": "1 - " * (SLACK_MAX // 4),
    "phone zeros": "0" * SLACK_MAX,
    "phone dashed": "0-" * (SLACK_MAX // 2),
    "question repeated": "マイナンバーは大丈夫ですか？" * (SLACK_MAX // 14),
}


@pytest.mark.parametrize("name", WORST)
def test_every_pattern_is_linear_at_slacks_maximum_length(name):
    """Masking the whole 40,000 characters (as the log filter could) stays far from the seconds
    the quadratic e-mail pattern took (16,000 characters: ~2 s)."""
    started = time.perf_counter()
    mask_personal_data(WORST[name])
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("name", WORST)
def test_a_maximum_length_message_is_masked_and_matched_within_100_ms(service, name):
    started = time.perf_counter()
    answered = service.ask(WORST[name], Origin("im"), log_question=False)
    assert time.perf_counter() - started < 0.1
    assert len(answered.decision.question) <= MAX_TEXT_CHARS
