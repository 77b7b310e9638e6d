"""General rules added with the development set: each on a sentence of its own."""

from __future__ import annotations

from services.classify.classifier import Classifier, classify
from services.common.contracts import Labels


def pairs(labels: Labels) -> set[tuple[str, str]]:
    return {(p.province, p.country) for p in labels.pairings}


def test_beijing_coordinated_with_a_capital_in_russian_is_the_government() -> None:
    labels = classify("Пекин и Вашингтон обменялись заявлениями о пошлинах.")  # noqa: RUF001
    assert labels.provinces == []
    assert labels.countries == ["US"]


def test_beijing_that_tells_provinces_is_the_government() -> None:
    assert classify("Beijing tells provinces to pick fewer overseas projects.").provinces == []
    assert classify("Officials in Beijing have grown concerned about the loans.").provinces == []


def test_a_demonym_naming_a_products_style_is_not_the_country() -> None:
    assert classify("The shop sells Turkish coffee and Swiss watches.").countries == []


def test_russian_i_joins_the_two_parties_of_a_link() -> None:
    labels = classify("Синьцзян и Казахстан договорились расширить сухой порт Хоргос.")  # noqa: RUF001
    assert pairs(labels) == {("Xinjiang", "KZ")}
    assert labels.sectors == ["logistics"]


def test_a_range_of_countries_is_not_a_pairing() -> None:
    labels = classify("Jiangxi, Guizhou and Hainan announce partnerships with countries from "
                      "Tajikistan to Vietnam.")
    assert pairs(labels) == set()


def test_a_generic_sector_word_alone_is_not_a_pairing_sector() -> None:
    labels = classify("Hubei signed a contract with Ethiopia to build a hydropower station, "
                      "the latest Belt and Road energy project.")
    assert [p.sectors for p in labels.pairings] == [["electric-power"]]


def test_a_generic_sector_word_in_a_list_is_a_pairing_sector() -> None:
    labels = classify("Gansu is paired with Iran in non-ferrous metals and energy.")
    assert [p.sectors for p in labels.pairings] == [["energy", "nonferrous-metals"]]


def test_named_canals_are_not_water_projects() -> None:
    assert classify("Ships queued at the Suez Canal and the Panama Canal.").sectors == []


def test_a_dateline_is_where_a_report_was_filed_not_a_party_to_it() -> None:
    for text in [
        "BEIJING (Reuters) - China signed an agreement with Kazakhstan to build a copper smelter.",
        "URUMQI, Xinjiang (Xinhua) -- Kazakhstan and China signed a deal to build a copper smelter.",
        "SHANGHAI, Dec 3 (Reuters) - Kazakhstan signed a deal with a Chinese steelmaker.",
        "LANZHOU \u2014 Kazakhstan's investment minister signed an agreement on a copper smelter.",
        "Hong Kong (CNN Business) A muddled view of US-China trade talks weighs on investors.",
    ]:
        assert pairs(classify(text)) == set(), text


def test_a_province_after_a_dateline_or_before_an_aside_still_pairs() -> None:
    for text in [
        "LANZHOU (Xinhua) -- Gansu and Kazakhstan signed a deal on copper smelting.",
        "Gansu (China) and Kazakhstan signed a deal on copper smelting.",
        "Gansu - Kazakhstan cooperation: the two sides signed a deal on copper smelting.",
    ]:
        assert pairs(classify(text)) == {("Gansu", "KZ")}, text


def test_beijing_that_buys_is_the_government() -> None:
    labels = classify("Advisers suggested that Beijing resume buying $20 billion in American "
                      "farm products as part of a trade deal.")
    assert labels.provinces == []
    assert pairs(labels) == set()


def test_a_parenthesis_before_a_huge_gap_is_read_in_linear_time() -> None:
    # A backtracking pattern would take hours here (pytest-timeout stops it); a linear one
    # a few milliseconds.
    text = "Gansu (China)" + " " * 1_000_000 + "and Kazakhstan signed a copper smelter deal."
    # The sentence rule's reading; the pairing model then weighs the million-character gap.
    rules = Classifier(pairing_model=False)
    assert pairs(rules.classify(text)) == {("Gansu", "KZ")}  # an aside, not a dateline


def test_beijing_weighing_its_priorities_is_the_government() -> None:
    labels = classify("Xi said Beijing counts the development of the Shanghai Cooperation "
                      "Organization among its diplomatic priorities.")
    assert labels.provinces == []
    labels = classify("The new plant drew scrutiny of Beijing's expanding industrial footprint "
                      "in Brazil.")
    assert labels.provinces == []
    assert labels.countries == ["BR"]


def test_deals_signed_in_a_province_city_name_it_as_the_venue() -> None:
    labels = classify("Kazakh and Chinese firms sign $15 billion of deals in Beijing.")
    assert pairs(labels) == set()
    labels = classify("Kazakhstan and China signed 70 documents at a meeting of their business "
                      "council in Beijing.")
    assert pairs(labels) == set()
    # A province that is a party still pairs.
    assert pairs(classify("Gansu signed deals with Kazakhstan on copper.")) == {("Gansu", "KZ")}


def test_a_river_named_after_a_border_town_is_not_the_province() -> None:
    labels = classify("The two presidents blessed deals including a mudflow dam across the "
                      "Khorgos River, on the border with Kazakhstan.")
    assert labels.provinces == []
    assert pairs(labels) == set()


def test_a_language_someone_learned_is_not_the_country() -> None:
    labels = classify("A taxi driver in Horgos, Xinjiang, taught himself Russian to talk with "
                      "his passengers.")
    assert labels.countries == []
    assert classify("She learned Russian.").countries == []


def test_a_foreign_dateline_is_not_a_party_either() -> None:
    labels = classify("ASTANA, June 1 (Xinhua) -- Gansu province signed a deal with Uzbekistan "
                      "on a copper smelter.")
    assert pairs(labels) == {("Gansu", "UZ")}
    for text in [
        "TASHKENT, May 3 (Xinhua) -- A Gansu company signed a contract to build a copper smelter.",
        "ALMATY -- Xinjiang firms signed 12 deals worth 300 million dollars.",
        "KUALA LUMPUR: A Zhejiang carmaker will build an assembly plant.",
    ]:
        assert pairs(classify(text)) == set(), text


def test_a_dateline_with_an_abbreviated_month_is_no_party_either() -> None:
    # Xinhua writes the month with a full stop before the day: "Nov. 6", "Sept. 20".
    for text in [
        "SHANGHAI, Nov. 6 (Xinhua) -- A Brazilian beef exporter signed a supply agreement with "
        "a Kazakh meat processor on Monday.",
        "URUMQI, Sept. 20 (Xinhua) -- Kazakhstan signed a deal with Uzbekistan on a gas pipeline.",
    ]:
        assert pairs(classify(text)) == set(), text
    text = "URUMQI, Sept. 20 (Xinhua) -- Gansu signed an agreement with Kazakhstan on copper."
    assert pairs(classify(text)) == {("Gansu", "KZ")}


def test_a_dateline_city_the_sentence_refers_back_to_is_the_actors_home() -> None:
    text = ("ZHENGZHOU, Jan. 15 (Xinhua) -- Yutong, the bus manufacturer headquartered in the "
            "city, delivered 200 electric buses to Chile on Monday.")
    assert pairs(classify(text)) == {("Henan", "CL")}
    # Another province's company "based in the city" is that province's actor, and a
    # foreign firm based there makes no link of the dateline's province.
    text = ("HEFEI, Jan. 15 (Xinhua) -- A Zhejiang carmaker based in the city opened a plant in "
            "Uzbekistan.")
    assert pairs(classify(text)) == {("Zhejiang", "UZ")}
    text = ("URUMQI, Jan. 15 (Xinhua) -- A Kazakh trader based in the city signed a deal with "
            "Uzbekistan.")
    assert pairs(classify(text)) == set()


def test_a_provinces_speakers_referring_back_to_it_state_its_link() -> None:
    text = ("Officials from Hunan said the province has signed sister-city agreements with Kenya "
            "and Tanzania since 2019.")
    assert pairs(classify(text)) == {("Hunan", "KE"), ("Hunan", "TZ")}
    # What they said about another place, or a company, is no link of the province.
    for text in [
        "Officials from Hunan said the city of Mombasa has signed agreements with Kenya's ports.",
        "Officials from Hunan said the company has signed agreements with Kenya.",
    ]:
        assert pairs(classify(text)) == set(), text


def test_a_countrys_speakers_telling_what_they_signed_state_its_link() -> None:
    text = ("Russian officials said they had signed grain export deals with a Jilin agribusiness "
            "earlier in the year.")
    assert pairs(classify(text)) == {("Jilin", "RU")}
    text = "Russian officials said they were watching talks between Jilin and Mongolia."
    assert ("Jilin", "RU") not in pairs(classify(text))


def test_a_company_from_the_region_is_the_earlier_sentences_province() -> None:
    text = ("YINCHUAN, Sept. 22 (Xinhua) -- Ningxia signed 60 projects with Arab states at the "
            "China-Arab States Expo. Among them, a solar power plant in Oman will be built by a "
            "company from the region.")
    assert pairs(classify(text)) == {("Ningxia", "OM")}
    # "In the region" may be the foreign one; two provinces before leave "the region" unclear.
    for text in [
        "Xinjiang hosted the expo. Kazakhstan is the biggest investor in the region and signed "
        "deals worth billions.",
        "Gansu and Xinjiang held a fair. A company from the region signed a deal with Kazakhstan.",
    ]:
        assert pairs(classify(text)) == set(), text


def test_a_sentence_naming_only_its_datelines_province_is_read_with_the_next() -> None:
    text = ("Chongqing, Dec 12 (CGTN) \u2013 Changan Automobile's plant in Rayong, Thailand, rolled "
            "out its first right-hand-drive electric SUV on Thursday. The carmaker, headquartered "
            "in Chongqing, invested 8.8 billion baht in the factory.")
    assert pairs(classify(text)) == {("Chongqing", "TH")}
    text = ("CHONGQING, Aug 1 (Reuters) - A German carmaker opened a plant in Thailand on "
            "Thursday. The city's mayor attended a forum on Friday.")
    assert pairs(classify(text)) == set()


def test_agreements_signed_during_the_visit_link_the_visitors_and_their_hosts() -> None:
    text = ("KUNMING, Jan. 8 (Xinhua) -- A delegation from Myanmar's Shan State visited Yunnan "
            "this week. During the visit, officials of the two sides signed a memorandum on "
            "border trade and cross-border power supply.")
    assert pairs(classify(text)) == {("Yunnan", "MM")}
    # The dateline's city is no host, nor are foreign firms' deals made during a tour.
    for text in [
        "URUMQI, Sept. 1 (Xinhua) -- A Kazakh delegation arrived on Monday. During the visit, "
        "agreements on wheat were signed.",
        "NANNING, Dec. 10 (Xinhua) -- A Malaysian trade delegation toured the expo centre in "
        "Nanning on Tuesday. During the visit, a Malaysian palm oil group signed a supply "
        "contract with an Indonesian refinery.",
    ]:
        assert pairs(classify(text)) == set(), text
