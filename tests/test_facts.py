from faq.facts import extract, unsupported


def test_reiwa_and_western_years_compare_equal():
    assert unsupported("2023年6月5日に認知しました。", "令和5年6月5日未明") == []


def test_full_width_and_half_width_compare_equal():
    assert unsupported("電話は０８３－２５２－０２８８です。", "人事課 083-252-0288") == []
    assert unsupported("９：００から", "9:00～12:00") == []


def test_a_changed_number_is_caught():
    assert unsupported("電話は083-252-0289です。", "人事課 083-252-0288") == ["phone 083-252-0289"]
    assert unsupported("6月6日", "令和5年6月5日") == ["date 6-6"]


def test_urls_law_numbers_and_english_dates_are_extracted():
    found = extract("See https://www.mks.jp/company/topics/ (Article 第26条第1項, 3-5-3-2) on June 30, 2023.")
    assert found["url"] == {"https://www.mks.jp/company/topics"}
    assert found["law"] == {"第26条第1項", "3-5-3-2"}
    assert found["date"] == {"6-30"} and found["year"] == {"2023"}


def test_dotted_dates_count():
    assert extract("2023.07.31 ニュース")["date"] == {"7-31"}
