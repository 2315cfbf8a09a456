"""What staff really type (issue: unseen wording): each form below is understood."""

from __future__ import annotations

import pytest

from faq.asks import compile_asks, unmet
from faq.focus import Focus
from faq.models import Outcome


def _answers(answerer, text: str, entry_id: str) -> None:
    decision = answerer.decide(text)
    assert (decision.outcome, decision.entry_id) == (Outcome.ANSWER, entry_id), decision


@pytest.mark.parametrize(("text", "entry_id"), [
    ("お世話になっております。経済学部の田中です。マイナンバーは漏れていないのでしょうか。"
     "お忙しいところ恐れ入りますが、よろしくお願いいたします。", "my-number"),
    ("夜分に失礼します。人事課の電話番号をご教示ください。", "contact-hr"),
    ("お疲れ様です。今回の件の原因についてお聞きしてもよろしいでしょうか。", "cause"),
    # a self-introduction, and a request whose formula ends the sentence (「…行ったのか、ご教示…」)
    ("お世話になっております。地域共創センターの加藤です。個人情報保護委員会への報告は、"
     "どちらがどのような形で行ったのか、ご教示いただけますでしょうか。", "ppc-report"),
    ("お世話になっております。キャリアセンターの木村です。本件に関する本学側のお問い合わせ先を"
     "ご教示いただけますと幸いです。", "contact-hr"),
    # 「ご確認いただけますでしょうか」 asks about the facts, not for a check of the person's record
    ("マイナンバーの取扱いにつきまして、今回の流出のおそれがある範囲に含まれるか否か、ご確認いただけますでしょうか。",
     "my-number"),
])
def test_business_openers_and_closers(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize(("text", "entry_id"), [
    ("今年の3月で退職した元同僚から、自分のところには通知が来ていないが大丈夫か、と連絡がありました。"
     "退職者の扱いはどうなっているのでしょうか。", "former-staff"),
    ("高齢の母と同居していて、家の電話にはたいてい母が出ます。今回の件で情報が悪用されるとしたら、"
     "どんな手口の連絡に注意しておけばよいのでしょうか。", "precautions"),
    ("さっき自宅に「個人情報が流出したので確認したい」という電話がありました。相手が名乗らなかったので"
     "切りましたが、折り返すべきか、どこかに相談すべきか迷っています。", "suspicious-contact"),
    # background dilutes coverage; one entry well ahead of the rest is still the answer
    ("情報セキュリティ委員会の委員をしています。同じことが二度と起こらないよう、関係する会社がどんな手を"
     "打っているのかを委員会で報告したいと考えています。再発を防ぐ取り組みについて、公表されている内容を教えてください。",
     "prevention"),
    # what is asked about is named in the sentence before the question
    ("先月着任した研究員です。通知に「フォレンジック」という言葉があって、辞書で調べても意味がよく分かりませんでした。"
     "どういう調査のことなのか教えてもらえますか。", "forensic"),
    ("給与の手続きが遅れるかもと聞きました。止まっていたシステムは、もう元通りになってるんですか？", "service-restored"),
    ("事務補佐員として勤務しています。通知に出てくる会社名が多くて混乱しています。"
     "エムケイシステムという会社は、今回どういう立場なのでしょうか。", "about-mks"),
    # ちゃんと, きちんと and そう (「難しそう」) are light words
    ("調査ってちゃんとやったの？どこがやったの？", "investigation"),
    ("フォレンジックってなに、なんか難しそう", "forensic"),
])
def test_long_messages_with_personal_context(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize(("text", "entry_id"), [
    ("復旧した日じゃなくて、最初にシステムの異常がわかった日を知りたいです", "when"),
    ("原因はもう知ってます。いつ起きたんですか？", "when"),
    ("再発防止は置いといて、そもそも原因は何だったんですか", "cause"),
    ("人事課じゃなくて、労務事務所の担当者の電話番号を教えて", "contact-roumu"),
    # what the person already knows, said in a sentence of its own, is set aside too
    ("ダークウェブに出てないのはもう聞いた。それって結局、情報は漏れなかったってことで確定なの？", "leak"),
    ("いつ起きたかは知ってるので、なぜ起きたのかの方をお願いします。", "cause"),
    ("外に送られた痕跡がないのは分かりました。じゃあ実際に悪用されたっていう報告もまだ無い、ってことでいいの？",
     "secondary-damage"),
    ("漏れたかどうかより、闇サイトに名簿が売りに出されてないかの方が気になる。", "dark-web"),
    ("ダークウェブは調べたって聞いたけど、実際に詐欺とかの被害は出てるの？", "secondary-damage"),
    ("ダークウェブの話は聞いたけど、それとは別に悪用されたって報告はあるんですか？", "secondary-damage"),
    ("漏えい全般の話じゃなくて、マイナンバーに限って教えてください", "my-number"),
    ("氏名とかは別にいいので、マイナンバーが大丈夫かだけ教えて", "my-number"),
    # 「…以外に、」 sets aside what it already has
    ("大学の人事課以外に、委託先の事務所の連絡先ってある？", "contact-roumu"),
])
def test_contrast_and_negation(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize(("text", "entry_id"), [
    ("大学の給与システムが乗っ取られたわけじゃないですよね？じゃあ今回何が起きたのか簡単に教えてください", "what-happened"),
    ("7月31日に攻撃されたわけじゃないよね？通知それぞれの日付が何の日か整理してほしい", "timeline"),
    ("再発防止策じゃなくて、そもそもの原因の方を教えてください", "cause"),
    # three sentences of background do not drown a clear question
    ("回覧の通知を読んでいたら「外部専門機関によるフォレンジック調査」という言葉が出てきました。"
     "恥ずかしながら初めて聞く言葉で、係の同僚に聞いてもよく分からないと言われてしまい、"
     "そのままになっています。フォレンジック調査というのは、具体的にどういう調査なのでしょうか。", "forensic"),
])
def test_background_before_the_question(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize(("text", "entry_id"), [
    ("サービスはもう再会したんですか？", "service-restored"),
    ("下関労務監理事務所ってどんなところ？", "about-roumu"),
    ("しゃろーむってなんですか", "about-mks"),
    ("フォレンジク調査って何？", "forensic"),
    ("先月対職したんですが、私にも関係ありますか？", "former-staff"),   # 対職 → 対 + 職 → 退職
    # a slip inside a long name leaves stray single kanji (感, 理): the question is read by sound
    ("下関労務感理事務所の連絡先は？", "contact-roumu"),
    # the second half of a slip read as a verb (確任 → 確 + 任す): its stem is what was typed
    ("情報漏洩は確任されたんでしょうか", "leak"),
    # one romaji key slipped to its neighbour (genon for genin) converts to another word
    ("今回の原音は何だったんでしょうか", "cause"),
    ("再発防止策、MK側の対応は？", "prevention"),  # MK is エムケイシステム
    ("労務さんってうちとどういう関係？", "about-roumu"),  # 労務さん is the office
])
def test_ime_slips_and_misspelt_names(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize("text", [
    # 応じる (oujiru) is 講じる (koujiru) a letter short: another word, not a slip
    "攻撃者から金銭の要求があったと聞きました。エムケイシステムは要求に応じたのでしょうか。",
    # 方式 (houshiki) and 公式 (koushiki): h and k are no neighbours
    "マイナの暗号化ってAES256とか？方式わかる？",
])
def test_words_a_letter_from_a_faq_word_are_not_slips(answerer, text):
    assert answerer.decide(text).outcome is Outcome.ESCALATE


@pytest.mark.parametrize(("text", "entry_id"), [
    ("MKSの件、my numberはsafeなんですか？", "my-number"),
    ("What actually happened to the payroll system?", "what-happened"),
    ("Is the MKS hotline still open?", "contact-mks"),
    # "exactly" asks for nothing: it used to pull toward the exact time of day
    ("What exactly happened? I got a notice from the university about a data breach.", "what-happened"),
    # a short English question around a Japanese name is English
    ("Who is 下関労務管理事務所?", "about-roumu"),
    # "ok", "but" and "then" ask for nothing
    ("ok, who should I ask about that then?", "contact-hr"),
    # the Personnel Division is the office's name
    ("What's the name of the university office to contact and its phone number?", "contact-hr"),
])
def test_english_and_mixed_questions(answerer, text, entry_id):
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize("text", [
    "了解です。退職者にも届きますか", "ありがとう。人事課の電話番号を教えてください",
])
def test_thanks_before_a_question_is_no_sign_off(answerer, text):
    assert answerer.decide(text).outcome is Outcome.ANSWER


@pytest.mark.parametrize(("text", "entry_id"), [
    # an aside in brackets says what the question is about, not what it asks
    ("今回のトラブルの原因を教えて（ＭＫＳ）", "cause"),
    ("元職（退職済）へのお知らせってどうなる？", "former-staff"),
    # the result of the investigation is whether anything leaked
    ("Did the investigation find anything?", "leak"),
    ("フォレンジック調査ってなに？で、結果はどうだったの？", None),
    # a dated event the notices do give
    ("労務事務所が確定報告したのはいつ？", "timeline"),
])
def test_asides_results_and_dated_events(answerer, text, entry_id):
    if entry_id is None:
        assert [p.entry_id for p in answerer.decide(text).parts] == ["forensic", "leak"]
        return
    _answers(answerer, text, entry_id)


@pytest.mark.parametrize("text", [
    "あざす！", "ｱﾘｶﾞﾄｳｺﾞｻﾞｲﾏｽ", "thx :pray:", "<@U04ABCDEF> こんにちは :wave:", "初めて使います、よろしく",
    "使い方を教えて", "Who are you?", "how do I use you", "例を見せて", "よく分かりました、ありがとうございます",
    "いつも大変お世話になっております。ご丁寧にご回答いただき、誠にありがとうございました。",
    "はじめまして。事務局の者です。上司からこのボットで今回の件について質問できると聞いたのですが、"
    "どういうふうに使えばいいのか教えてもらえますか。",
    # nothing but function words, or nothing after the thanks that says anything
    "What are you?", "What can you do?", "thx、また聞くわ", "ありがとうございます、安心しました",
    "Hi there! What can you do?", "ねえ、使い方おしえて",
    # thanks, then how the person signs off
    "わかりました、人事課に電話してみます", "Thanks, that's all.", "ありがとう、あとで人事課に電話します",
    "はじめまして。本日よりこちらを利用させていただきます。どうぞよろしくお願い申し上げます。",
])
def test_smalltalk_in_every_form(answerer, text):
    decision = answerer.decide(text)
    # with its entry, so the reply is that entry's (usage, thanks), not "please type a question"
    assert decision.outcome is Outcome.SMALLTALK and decision.entry_id is not None


@pytest.mark.parametrize("text", [
    "二次被害が出たら、その費用は誰が負担するんですか？",     # money
    "不正アクセスは何時ごろに始まったんですか？",             # time of day
    "調査した会社の社名を教えてください",                     # a name
    "調査した会社ってどこ？\n社名知りたいです",                # ...said again in a sentence of its own
    "マイナンバー 暗号化 アルゴリズム",                         # a technical detail, in keywords
    "新しいクラウド基盤ってどこの？",
    "MKSの新基盤ってどこのクラウド？AWS？",                    # a technical detail
    "漏えいの可能性は何％くらいですか？",                      # a percentage
    "個人情報保護委員会への報告っていつしたんですか？日付がしりたい",  # a date no notice gives
    "今回の件で影響を受けたのは何人ですか？",                 # a count
    "攻撃者はどこから侵入したんですか？VPNですか？",          # a method
    "委託先のシステムには私の情報はいつまで保管されるんですか？",  # future date / retention
    "調査をした専門会社の名称を教えていただけますか",             # a name, however asked
    "攻撃されたサーバーは何台あったんですか？",                   # a count of machines
    "個人情報保護委員会から労務管理事務所に何か処分はありましたか？",  # a sanction
    "私に通知が届いているかどうか確認してもらえますか？",          # something done for the person
    "実際にサーバーに侵入されたのはいつ頃ですか？",               # not when it was noticed
    "個人情報保護委員会への報告の受付番号はわかりますか？",         # a reference number
    "話は変わりますが、6月の給与の振込日はいつでしたっけ？",        # the person says it is another matter
    "ほかの大学でも社労夢の被害は出ているんですか？",              # other organisations
    "再発防止策のことは知っています。具体的に多要素認証は入れたんですか？",  # a technical detail
    "労務管理事務所の青木さんにはメールでも連絡できますか？",          # no answer gives an address
    "マイナンバーの暗号化ってどの方式？AES？",                       # a technical detail
    "謝金を払った学生たちの情報も社労夢に入っていたのか、確認していただくことは可能でしょうか。",
    "被害にあったサーバーの台数は？",                               # a count of machines
    "年金事務所を名乗るハガキが届いたんだけど、本物か見てもらえる？",   # something done for the person
    "青木さんの事務所の所在地を教えてください",                         # an address no answer gives
    "被害にあったサーバーのOSのバージョンは？",                          # a technical detail
    # candidates whose answers cannot hold what is asked (a document) are not offered
    "通知のPDF、全学メールで学生にも回していいんですか？",
    # a kind no answer holds is refused even when the words offer candidates
    "再発防止の方針ではなく、多要素認証のような具体的な対策を入れたのか知りたいです",
    "Did they find out how the attackers got in?",
    "攻撃者はどんな手口でサーバーに侵入したのか、技術的な詳細を教えてください",  # a method, however asked
    # the date of an event the notices do not date
    "個人情報保護委員会に報告したのは分かりました。で、その報告日は何月何日でしたか？",
    "大学がこの件を最初に知らされたのは何日ですか？",
    "サーバーをネットワークから遮断したのは何日？",
    "８月２４日の大学の通知より後に、続報は出ていますか？",
    "労務管理事務所ってメールでも問い合わせできる？アドレスある？",
    "調査結果はいいので、エムケイシステムが訴えられたかどうかを知りたい。",   # a lawsuit
    "来年度以降も当該事務所への業務委託を継続されるご予定か、お伺いできますでしょうか。",  # a plan
    # a question mark inside brackets ends no sentence: 「出ますか」 is no question of its own
    "次回の報告はいつ頃（２０２４年？）出ますか？",
    "DWのどのサイトを調べたか分かる？",   # which sites were searched: a method
])
def test_near_misses_ask_for_what_the_answer_lacks(answerer, text):
    assert answerer.decide(text).outcome is Outcome.ESCALATE


def test_a_smalltalk_entry_is_never_given_as_an_answer(answerer, content):
    smalltalk = {e.id for e in content.entries if e.kind.value == "smalltalk"}
    for text in ["このボットの使い方と、マイナンバーが漏れたかどうか教えて", "ありがとう、ところで原因は？",
                 "はじめまして。今回の件で質問できると聞きました。"]:
        decision = answerer.decide(text)
        assert not (decision.outcome is Outcome.ANSWER and decision.entry_id in smalltalk), decision


def test_background_brings_no_entry_the_asking_sentence_does_not_point_to(answerer):
    """「そうした報告はされたのか」 points to the report entries; the colleague in the background
    must not turn it into a question about the data."""
    decision = answerer.decide("同僚と話していて、個人情報の漏えいのおそれがある場合は国の機関に報告しなければならないと"
                               "聞きました。今回の件でも、そうした報告はされたのでしょうか。")
    assert decision.entry_id != "affected-data"


def test_a_widened_asking_part_keeps_the_sentence_before_unless_it_is_set_aside():
    focus = Focus(formulas=(), set_aside=("は知っています。",), short_question_chars=6)
    text = "通知に「フォレンジック」とありました。具体的にどういう調査のことですか？"
    assert focus.asking_part(text) == "具体的にどういう調査のことですか？"
    assert focus.asking_part(text, widen=True) == text.replace("。", "。 ", 1)
    known = "再発防止策のことは知っています。具体的に何をしたんですか？"
    assert focus.asking_part(known, widen=True) == "具体的に何をしたんですか？"


def test_asking_part_keeps_the_question_and_falls_back_to_the_whole(content):
    focus = Focus(formulas=("よろしくお願いします",), set_aside=("じゃなくて",),
                  short_question_chars=content.matching.focus.short_question_chars)
    assert focus.without_formulas("よろしくお願いします") == "よろしくお願いします"
    assert "よろしく" not in focus.without_formulas("原因は？よろしくお願いします")
    assert focus.asking_part("経済学部の田中です。原因は何ですか？") == "原因は何ですか？"
    assert focus.asking_part("原因じゃなくて、時期を教えてください") == "時期を教えてください"
    # a short question keeps the sentence before it: 「それはいつ？」 alone says nothing
    assert "委員会" in focus.asking_part("委員会への報告の件です。それはいつ？")


def test_a_self_introduction_is_dropped_like_a_formula_but_personal_context_stays():
    focus = Focus(formulas=("お世話になっております",), set_aside=(), short_question_chars=6,
                  affiliations=("課", "センター", "学部", "教授"))
    assert focus.without_formulas("お世話になっております。財務課の小林です。原因は？") == "原因は？"
    assert focus.without_formulas("経済学部教授の田中と申します。原因は？") == "原因は？"
    assert focus.without_formulas("経済学部の事務を担当しております田中と申します。原因は？") == "原因は？"
    # no affiliation: 「退職者です」 says who is asking about what, and stays
    assert "退職" in focus.without_formulas("去年退職した者です。通知は来ますか？")
    assert focus.without_formulas("財務課の小林です。") == "財務課の小林です。"  # nothing else is left


def test_a_question_opening_with_an_interrogative_keeps_the_sentence_before():
    """「どこを見ればいいか」 asks about what the sentence before it names."""
    focus = Focus(formulas=(), set_aside=(), short_question_chars=6)
    text = "出張旅費の精算の期限を忘れました。どこを見ればいいか分かりますか？"
    assert "旅費" in focus.asking_part(text)
    assert focus.asking_part("給与の件です。マイナンバーは漏れましたか？") == "マイナンバーは漏れましたか？"


def test_a_kind_of_information_counts_only_when_asked_and_missing():
    asks = compile_asks({"amount": (["いくら"], ["円"])})
    assert unmet(asks, "費用はいくら？", "通知に記載がありません") == "amount"
    assert unmet(asks, "費用はいくら？", "1,000円です") is None
    assert unmet(asks, "原因は？", "通知に記載がありません") is None
