import pytest

from faq.privacy import MY_NUMBER_MASK, contains_my_number, is_valid_my_number, mask_personal_data

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
