from unittest import mock

import ahocorasick
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companies import matching
from companies.matching import CompanyMatcher, get_matcher
from newsroom.chinese import fold, fold_table
from tests.factories import make_company

ONECONNECT, VANKE, NIO, LONGI, LI_AUTO, PINGAN = 1, 2, 3, 4, 5, 6

NAMES = [
    (ONECONNECT, ["金融壹賬通", "OneConnect", "壹賬通"]),
    (VANKE, ["萬科企業", "万科", "Vanke", "萬科"]),
    (NIO, ["蔚來", "NIO", "NIO Inc."]),
    (LONGI, ["隆基綠能", "LONGi"]),
    (LI_AUTO, ["理想汽車", "Li Auto"]),
    (PINGAN, ["中國平安", "平安", "Ping An"]),
]


@pytest.fixture(scope="module")
def matcher():
    return CompanyMatcher.from_names(NAMES)


def found(matcher, text):
    return [(m.company_id, m.text) for m in matcher.find(text)]


def test_longest_name_wins_over_an_alias_inside_it(matcher):
    assert found(matcher, "金融壹賬通今日公布業績，壹賬通股價上升") == [
        (ONECONNECT, "金融壹賬通"),
        (ONECONNECT, "壹賬通"),
    ]


def test_overlapping_names_of_different_companies_are_resolved_by_length():
    matcher = CompanyMatcher.from_names([(1, ["中國平安"]), (2, ["平安銀行"])])
    assert found(matcher, "中國平安銀行") == [(1, "中國平安")]
    matcher = CompanyMatcher.from_names([(1, ["中國平安"]), (2, ["平安銀行股份"])])
    assert found(matcher, "中國平安銀行股份") == [(2, "平安銀行股份")]


def test_equal_length_overlap_keeps_the_leftmost():
    matcher = CompanyMatcher.from_names([(1, ["甲乙丙"]), (2, ["丙丁戊"])])
    assert found(matcher, "甲乙丙丁戊") == [(1, "甲乙丙")]


def test_traditional_name_matches_simplified_text(matcher):
    assert found(matcher, "万科企业的年报与隆基绿能的公告") == [
        (VANKE, "万科企业"),
        (LONGI, "隆基绿能"),
    ]


def test_simplified_name_matches_traditional_text():
    matcher = CompanyMatcher.from_names([(9, ["隆基绿能"])])
    assert found(matcher, "隆基綠能及隆基绿能") == [(9, "隆基綠能"), (9, "隆基绿能")]


def test_variant_characters_fold_together():
    matcher = CompanyMatcher.from_names([(1, ["衞生科技"]), (2, ["裏城控股"])])
    assert found(matcher, "卫生科技、衛生科技、里城控股、裡城控股") == [
        (1, "卫生科技"),
        (1, "衛生科技"),
        (2, "里城控股"),
        (2, "裡城控股"),
    ]


def test_latin_names_match_in_any_case(matcher):
    assert found(matcher, "nio and Nio and NIO, li auto, ＮＩＯ") == [
        (NIO, "nio"),
        (NIO, "Nio"),
        (NIO, "NIO"),
        (LI_AUTO, "li auto"),
        (NIO, "ＮＩＯ"),
    ]


@pytest.mark.parametrize(
    "text", ["UNION", "NIOBIUM", "Nio-bium", "ANIO", "NIO2", "3NIO", "LONGit"]
)
def test_latin_names_do_not_match_inside_longer_words(matcher, text):
    assert matcher.find(text) == []


def test_latin_names_match_next_to_chinese_and_punctuation(matcher):
    assert found(matcher, "蔚來(NIO)與NIO的股價；NIO's") == [
        (NIO, "蔚來"),
        (NIO, "NIO"),
        (NIO, "NIO"),
        (NIO, "NIO"),
    ]


def test_positions_are_those_of_the_original_text(matcher):
    # ß and İ change length under casefold()/lower(); full-width letters and
    # Traditional characters change under folding: positions must not move.
    text = "ßẞİﬁ萬科企業與ＯｎｅＣｏｎｎｅｃｔ及ßİ隆基綠能、中國平安"
    mentions = matcher.find(text)
    assert [m.text for m in mentions] == [
        "萬科企業",
        "ＯｎｅＣｏｎｎｅｃｔ",
        "隆基綠能",
        "中國平安",
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_fold_never_changes_length():
    text = "".join(chr(c) for c in range(0x20, 0x30000, 7) if not 0xD800 <= c < 0xE000)
    assert len(fold(text)) == len(text)


def test_fold_applies_the_table_to_every_character():
    text = "".join(chr(c) for c in range(0, 0x30000, 3)) + "\ud800x"
    assert fold(text) == text.translate(fold_table())
    assert fold("") == ""


def test_no_character_folds_to_a_stand_in_of_the_scan():
    # The scan writes upper-case ASCII letters for characters in no name; were
    # one a folded character, it could be part of a name.
    stand_ins = {matching._OTHER, matching._WORD, matching._END}
    assert not stand_ins & set(fold_table())


def test_short_and_digit_only_names_are_ignored():
    matcher = CompanyMatcher.from_names([(1, ["中", "X", "360", "三六零"])])
    assert matcher.pattern_count == 1
    assert found(matcher, "中X 360 三六零") == [(1, "三六零")]


def test_a_shared_name_belongs_to_the_company_given_first():
    matcher = CompanyMatcher.from_names([(1, ["平安"]), (2, ["平安", "平安好醫生"])])
    assert matcher.company_ids("平安與平安好醫生") == [1, 2]


def test_a_matcher_without_names_finds_nothing():
    assert CompanyMatcher.from_names([]).find("萬科") == []


def test_real_sentences_name_their_companies(matcher):
    sentences = {
        "萬科週二公布中期業績後股價急跌，同日中國平安亦披露所持內房債的減值。": [
            VANKE,
            PINGAN,
        ],
        "電動車股午後轉強，蔚來及理想汽車均升逾百分之五，Li Auto 在美股盤前亦造好。": [
            NIO,
            LI_AUTO,
        ],
        "壹賬通與平安旗下的銀行合作推出供應鏈融資，隆基绿能是首批客户之一。": [
            ONECONNECT,
            PINGAN,
            LONGI,
        ],
    }
    for sentence, companies in sentences.items():
        assert matcher.company_ids(sentence) == companies


def test_company_ids_are_in_order_of_first_mention(matcher):
    assert matcher.company_ids("NIO、萬科、蔚來、隆基綠能、万科") == [NIO, VANKE, LONGI]


latin_or_chinese = st.text(
    alphabet=st.sampled_from(
        list("金融壹賬通账万科企業业隆基綠绿能蔚來NIOnio LiAuto-ßİＮ中國平安(),、")
    )
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), latin_or_chinese))
def test_find_never_raises_and_returns_ordered_disjoint_mentions(matcher, text):
    mentions = matcher.find(text)
    previous_end = 0
    for mention in mentions:
        assert previous_end <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        previous_end = mention.end


# --- The fast scan against the first, simple one -------------------------------


def reference_find(pairs, text):
    """What ``CompanyMatcher.from_names(pairs).find(text)`` finds, as tuples.

    The matcher as first written, kept to check the fast one against: every
    match from the automaton, each checked on its own against the folded
    text, all sorted, and each run of overlapping matches sorted longest
    first. Slow and plain.
    """
    table = fold_table()
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for company_id, names in pairs:
        for name in names:
            name = " ".join(name.split())
            if len(name) < matching.MIN_NAME_LENGTH or not any(
                c.isalpha() for c in name
            ):
                continue
            key = name.translate(table)
            if key in automaton:
                continue
            automaton.add_word(
                key,
                (len(key), company_id, _is_word(key[0]), _is_word(key[-1])),
            )
    if not len(automaton) or not text:
        return []
    automaton.make_automaton()
    folded = text.translate(table)
    candidates = []
    for last, (length, company_id, word_start, word_end) in automaton.iter(folded):
        start, end = last - length + 1, last + 1
        if word_start and _joined_before(folded, start):
            continue
        if word_end and _joined_after(folded, end):
            continue
        candidates.append((start, end, company_id))
    return [
        (company_id, start, end, text[start:end])
        for start, end, company_id in _reference_longest_first(candidates)
    ]


def _is_word(character):
    return character.isascii() and character.isalnum()


def _joined_before(folded, start):
    if start == 0:
        return False
    before = folded[start - 1]
    if _is_word(before):
        return True
    return before == "-" and start >= 2 and _is_word(folded[start - 2])


def _joined_after(folded, end):
    if end >= len(folded):
        return False
    after = folded[end]
    if _is_word(after):
        return True
    return after == "-" and end + 1 < len(folded) and _is_word(folded[end + 1])


def _reference_longest_first(candidates):
    if len(candidates) < 2:
        return candidates
    candidates.sort()
    chosen = []
    cluster = [candidates[0]]
    cluster_end = candidates[0][1]
    for candidate in candidates[1:]:
        if candidate[0] < cluster_end:
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate[1])
            continue
        _reference_choose(cluster, chosen)
        cluster = [candidate]
        cluster_end = candidate[1]
    _reference_choose(cluster, chosen)
    return chosen


def _reference_choose(cluster, chosen):
    if len(cluster) == 1:
        chosen.append(cluster[0])
        return
    kept = []
    for candidate in sorted(cluster, key=lambda c: (c[0] - c[1], c[0])):
        start, end, _company_id = candidate
        if all(end <= k[0] or k[1] <= start for k in kept):
            kept.append(candidate)
    chosen.extend(sorted(kept))


def as_tuples(mentions):
    return [(m.company_id, m.start, m.end, m.text) for m in mentions]


def test_a_short_match_survives_when_the_match_around_it_loses():
    # 甲乙丙丁戊 loses to the longer 丁戊己庚辛壬癸; 甲乙, inside the loser and
    # clear of the winner, is kept.
    pairs = [(1, ["甲乙"]), (2, ["甲乙丙丁戊"]), (3, ["丁戊己庚辛壬癸"])]
    text = "甲乙丙丁戊己庚辛壬癸"
    assert found(CompanyMatcher.from_names(pairs), text) == [
        (1, "甲乙"),
        (3, "丁戊己庚辛壬癸"),
    ]
    assert as_tuples(CompanyMatcher.from_names(pairs).find(text)) == reference_find(
        pairs, text
    )


def test_characters_beyond_the_bmp_match_as_themselves():
    pairs = [(1, ["𠮷野家"]), (2, ["吉野家"])]
    matcher = CompanyMatcher.from_names(pairs)
    assert found(matcher, "𠮷野家與吉野家、𠀀野家") == [(1, "𠮷野家"), (2, "吉野家")]


# Characters that fold together: Traditional/Simplified pairs and a variant
# triple, Latin letters in upper case, full width and the Kelvin sign.
SPELLINGS = [
    "萬万",
    "國国",
    "華华",
    "裏裡里",
    "Nnｎ",
    "Aa",
    "Kk\u212a",
    "科",
    "平",
    "安",
]
# Digits, hyphens and spaces join or split Latin words; 𠮷 is beyond the BMP.
NAME_ALPHABET = [*"".join(SPELLINGS), *"1- 𠮷"]
OTHER_CHARACTERS = ["的", "。", "x", "Z", "\n", "-", " "]
RESPELL = {c: spelling for spelling in SPELLINGS for c in spelling}


@st.composite
def names_and_text(draw):
    """Companies' names, and a text that mentions them.

    Names and text are cut from one random string, so that names nest and
    overlap and so do their mentions; the text respells what it cuts (other
    case, Traditional for Simplified) and runs it together with characters
    that join or split Latin words.
    """
    source = draw(st.text(st.sampled_from(NAME_ALPHABET), min_size=3, max_size=14))

    def cut(min_size):
        start = draw(st.integers(0, len(source) - min_size))
        return source[start : draw(st.integers(start + min_size, len(source)))]

    names = [
        [cut(2) for _ in range(draw(st.integers(1, 3)))]
        for _ in range(draw(st.integers(1, 6)))
    ]
    pieces = [
        draw(st.sampled_from(OTHER_CHARACTERS)) if draw(st.booleans()) else cut(1)
        for _ in range(draw(st.integers(1, 12)))
    ]
    text = "".join(
        draw(st.sampled_from(RESPELL.get(c, c))) for piece in pieces for c in piece
    )
    return list(enumerate(names, start=1)), text


@settings(max_examples=300, deadline=None)
@given(names_and_text())
def test_find_agrees_with_the_reference(pairs_and_text):
    pairs, text = pairs_and_text
    assert as_tuples(CompanyMatcher.from_names(pairs).find(text)) == reference_find(
        pairs, text
    )


# --- The process-wide matcher -------------------------------------------------


@pytest.fixture
def builds():
    """Count the matcher builds get_matcher does."""
    matching.clear_matcher()
    with mock.patch.object(
        matching, "_build_from_database", wraps=matching._build_from_database
    ) as spy:
        yield spy
    matching.clear_matcher()


@pytest.mark.django_db
def test_get_matcher_is_built_once_while_companies_do_not_change(builds):
    vanke = make_company(name="萬科企業", name_en="China Vanke", aliases=["萬科"])
    assert get_matcher().company_ids("万科的年报") == [vanke.pk]
    assert get_matcher() is get_matcher()
    assert builds.call_count == 1


@pytest.mark.django_db
def test_get_matcher_rebuilds_when_a_company_is_added(builds):
    make_company(name="萬科企業", name_en="China Vanke")
    assert get_matcher().company_ids("隆基綠能") == []
    longi = make_company(name="隆基綠能", name_en="LONGi Green Energy")
    assert get_matcher().company_ids("隆基绿能") == [longi.pk]
    assert builds.call_count == 2


@pytest.mark.django_db
def test_get_matcher_rebuilds_when_a_company_is_renamed(builds):
    company = make_company(name="壹賬通", name_en="OneConnect")
    assert get_matcher().company_ids("金融壹賬通") == [company.pk]
    company.aliases = ["金融壹賬通科技"]
    company.save()
    mentions = get_matcher().find("金融壹賬通科技")
    assert [(m.company_id, m.text) for m in mentions] == [
        (company.pk, "金融壹賬通科技")
    ]
    assert builds.call_count == 2


@pytest.mark.django_db
def test_get_matcher_rebuilds_when_a_company_is_deleted(builds):
    first = make_company(name="萬科企業", name_en="China Vanke")
    second = make_company(name="隆基綠能", name_en="LONGi")
    assert get_matcher().company_ids("萬科企業與隆基綠能") == [first.pk, second.pk]
    second.delete()
    assert get_matcher().company_ids("萬科企業與隆基綠能") == [first.pk]
    assert builds.call_count == 2
