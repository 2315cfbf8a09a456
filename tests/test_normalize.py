from faq.normalize import Normalizer, clean, compact, detect_language, strip_slack_markup


def test_slack_markup_is_removed_and_labels_kept():
    text = "<@U04ABCDEF> 詳細は <https://example.com|公式発表> を :eyes: 見て &amp; &lt;確認&gt;"
    assert strip_slack_markup(text).split() == ["詳細は", "公式発表", "を", "見て", "&", "<確認>"]


def test_width_case_and_kana_fold():
    assert clean("ｴﾑｹｲｼｽﾃﾑ ＭＫＳ") == "エムケイシステム mks"
    assert compact("マイナンバー、 ですか？") == compact("まいなんばーですか")


def test_a_mention_typed_as_text_is_removed_like_slack_markup():
    assert clean("@faq-bot 社労夢の件 <@U0BOT>") == "社労夢の件"
    assert clean("メールは x@example.com です") == "メールは x@example.com です"  # not a mention


def test_line_breaks_are_kept_once():
    """A line break ends a question (several questions on several lines); blank lines fold."""
    assert clean("原因は？ \n\n  いつ？\r\n") == "原因は?\nいつ?"


def test_control_characters_become_spaces():
    assert clean("a\x00b\u200bc\x7f") == "a b c"


def test_language_detection():
    assert detect_language("Is my data safe?") == "en"
    assert detect_language("MKSの件") == "ja"
    assert detect_language("12345") == "ja"
    # an English sentence around a Japanese name is English
    assert detect_language("Is the 社労夢 cloud service back up and running?") == "en"


def test_japanese_with_a_few_english_words_is_japanese(answerer):
    """Words the synonym table knows (mks, my number, safe) do not make a sentence English."""
    assert answerer.normalizer.analyze("MKSの件、my numberはsafeなんですか？").language == "ja"
    assert answerer.normalizer.analyze("Is my My Number (マイナンバー) safe?").language == "en"


def test_japanese_names_in_an_english_question_are_read_in_english(answerer):
    analyze = answerer.normalizer.analyze
    assert analyze("How can I reach the 労務管理事務所?").tokens == analyze(
        "How can I reach the Shimonoseki labor management office?").tokens


def test_synonyms_fold_variants_to_one_token(content):
    n = Normalizer(content.synonyms, content.matching)
    assert n.analyze("個人番号").tokens == n.analyze("マイナンバー").tokens
    assert n.analyze("ｴﾑｹｲｼｽﾃﾑ").tokens == n.analyze("MKS").tokens == n.analyze("エムケイシステム").tokens
    assert n.analyze("問合せ先").tokens == n.analyze("問い合わせ").tokens
    # Longer variants win: マイナカード is a card, not the number.
    assert n.analyze("マイナカード").tokens != n.analyze("マイナ").tokens


def test_sudachi_normalises_spelling_and_drops_particles(content):
    n = Normalizer(content.synonyms, content.matching)
    assert n.analyze("くわしいことはどこでみれるの").tokens == n.analyze("詳しいことはどこで見れるの").tokens
    assert "は" not in n.analyze("原因は何ですか").tokens


def test_table_verbs_match_every_conjugation(content):
    n = Normalizer(content.synonyms, content.matching)
    leak = n.analyze("漏えい").tokens
    for text in ("漏れた", "漏れてない", "漏れました", "流出"):
        assert n.analyze(text).tokens == leak, text
    assert n.analyze("辞めました").tokens == n.analyze("退職").tokens


def test_english_clitics_are_not_words(answerer):
    """"that's" is "that" (a stopword), not "that" and a stray "s"; "didn't" keeps its "not"."""
    assert answerer.normalizer.analyze("Thanks, that's all.").tokens == ("thank", "all")
    assert answerer.normalizer.analyze("I didn't get the letter").tokens == ("not", "get", "letter")


def test_english_is_stemmed(content):
    n = Normalizer(content.synonyms, content.matching)
    assert n.analyze("Was my data leaked?").tokens == n.analyze("data leak").tokens


def test_a_particle_after_a_table_term_is_still_a_particle(answerer):
    """Sudachi reads the whole text: 「マイナンバーは？」 has no word は (once read as はあ)."""
    assert answerer.normalizer.analyze("マイナンバーは？").tokens == ("まいなんばー",)
    assert answerer.normalizer.analyze("MKSのマイナンバーは大丈夫").tokens == ("えむけいしすてむ", "まいなんばー", "大丈夫")


def test_an_inflected_word_typed_in_katakana_is_read_as_that_word(answerer):
    """ﾓﾚﾃﾅｲ is no word SudachiPy knows; read in hiragana it is 漏れる (漏えい in the table)."""
    analyze = answerer.normalizer.analyze
    assert analyze("ﾏｲﾅﾝﾊﾞｰ ﾓﾚﾃﾅｲ?").tokens == analyze("マイナンバー漏れてない？").tokens
    assert analyze("モレタ").tokens == ("漏えい",)
    # a misspelt loanword does not read as a verb: kept whole for the spelling correction
    assert analyze("バックアプ").tokens == ("ばっくあぷ",)
