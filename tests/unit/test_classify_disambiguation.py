"""Hard cases of the label contract: names that mean something else, links, relevance."""

from __future__ import annotations

from services.classify.classifier import classify
from services.common.contracts import Labels


def pairs(labels: Labels) -> set[tuple[str, str]]:
    return {(p.province, p.country) for p in labels.pairings}


# --- Beijing: the central government or the municipality --------------------------------


def test_beijing_said_is_the_government() -> None:
    assert classify("Beijing said it would retaliate against the new tariffs.").provinces == []


def test_beijings_policy_is_the_government() -> None:
    labels = classify("Beijing's policy in Central Asia has shifted since 2013.")
    assert labels.provinces == []


def test_beijing_and_washington_are_governments() -> None:
    labels = classify("Relations between Beijing and Washington have soured this year.")
    assert labels.provinces == []
    assert labels.countries == ["US"]


def test_billed_by_beijing_is_the_government() -> None:
    text = "It has been billed by Beijing as an alternative form of technology transfer."
    assert classify(text).provinces == []


def test_beijing_based_company_is_the_municipality() -> None:
    assert classify("A Beijing-based company opened an office.").provinces == ["Beijing"]


def test_beijings_district_is_the_municipality() -> None:
    labels = classify("The firm's office is in Beijing's Chaoyang district.")
    assert labels.provinces == ["Beijing"]


def test_event_in_beijing_is_the_municipality() -> None:
    assert classify("The summit was held in Beijing last week.").provinces == ["Beijing"]


# --- names inside organisations ---------------------------------------------------------


def test_shanghai_cooperation_organisation_is_not_shanghai() -> None:
    labels = classify("The Shanghai Cooperation Organisation met in Astana.")
    assert labels.provinces == []
    assert labels.countries == ["KZ"]


def test_bank_names_name_no_place() -> None:
    text = (
        "The Asian Infrastructure Investment Bank, the Export-Import Bank of China and "
        "Bank of China financed the dam."
    )
    labels = classify(text)
    assert labels.provinces == []
    assert labels.countries == []


def test_organisation_does_not_lend_its_cooperation_cue() -> None:
    text = "Xinjiang officials attended the Asia-Pacific Economic Cooperation meeting in Peru."
    assert classify(text).pairings == []


# --- Georgia ----------------------------------------------------------------------------


def test_atlanta_georgia_is_the_us_state() -> None:
    assert classify("The company is based in Atlanta, Georgia.").countries == []


def test_georgia_us_is_the_us_state() -> None:
    assert "GE" not in classify("Georgia, US, passed a new election law.").countries


def test_one_state_mention_makes_every_bare_georgia_the_state() -> None:
    text = "Georgia's governor signed the bill. Georgia will hold a runoff in January."
    assert classify(text).countries == []


def test_georgia_in_the_caucasus_is_the_country() -> None:
    labels = classify("Georgia and Azerbaijan signed a pipeline deal in Tbilisi.")
    assert labels.countries == ["AZ", "GE"]


# --- countries with similar names -------------------------------------------------------


def test_niger_is_not_nigeria() -> None:
    assert classify("Troops withdrew from Niger.").countries == ["NE"]
    assert classify("Lagos is the largest city of Nigeria.").countries == ["NG"]
    assert classify("Niger and Nigeria share a long border.").countries == ["NE", "NG"]


def test_the_four_guineas() -> None:
    text = "Guinea, Guinea-Bissau, Equatorial Guinea and Papua New Guinea attended."
    assert classify(text).countries == ["GN", "GQ", "GW", "PG"]


def test_gulf_of_guinea_is_a_sea() -> None:
    assert classify("The Gulf of Guinea is a busy shipping route.").countries == []


def test_the_two_congos() -> None:
    text = "The Democratic Republic of the Congo and the Republic of the Congo are neighbours."
    assert classify(text).countries == ["CD", "CG"]


def test_bare_congo_follows_the_other_names_in_the_article() -> None:
    assert classify("Brazzaville hosted the talks. Congo's president spoke.").countries == ["CG"]
    assert classify("Kinshasa hosted the talks. Congo's president spoke.").countries == ["CD"]


def test_dominica_is_not_the_dominican_republic() -> None:
    text = "Dominica and the Dominican Republic are different countries."
    assert classify(text).countries == ["DM", "DO"]
    assert classify("Dominica joined the initiative.").countries == ["DM"]


def test_sudan_is_not_south_sudan() -> None:
    assert classify("Sudan and South Sudan disagree over oil.").countries == ["SD", "SS"]
    assert classify("Juba signed the deal.").countries == ["SS"]


def test_north_and_south_korea() -> None:
    assert classify("North Korea and South Korea held talks.").countries == ["KP", "KR"]
    assert classify("Pyongyang tested a missile.").countries == ["KP"]
    assert classify("Seoul and Korea's carmakers.").countries == ["KR"]


def test_china_is_never_a_country() -> None:
    labels = classify("China and the People's Republic of China signed with Chinese partners.")
    assert labels.countries == []
    assert "CN" not in classify("China, Taiwan, Hong Kong and Macau").countries


def test_taiwan_hong_kong_and_macau_are_provinces() -> None:
    labels = classify("Taiwan, Hong Kong and Macao sent delegations.")
    assert labels.provinces == ["Hong Kong", "Macau", "Taiwan"]
    assert labels.countries == []


def test_capital_stands_for_its_country() -> None:
    assert classify("Talks continued in Astana and Tashkent.").countries == ["KZ", "UZ"]


def test_demonym_stands_for_its_country() -> None:
    assert classify("The Kazakh side agreed to the plan.").countries == ["KZ"]


def test_demonym_of_a_language_or_person_is_not_the_country() -> None:
    assert classify("The conference was conducted in Russian.").countries == []
    assert classify("A Brazilian striker joined the club.").countries == []
    assert classify("Ethnic Kazakh herders moved their flocks.").countries == []


def test_currency_is_not_the_country() -> None:
    assert classify("The deal is worth US$4.6 billion, or 6 billion Singapore dollars.").countries == []


def test_lower_case_words_are_not_countries() -> None:
    assert classify("Let us roast the turkey and pass the chile.").countries == []


# --- provinces --------------------------------------------------------------------------


def test_shanxi_is_not_shaanxi() -> None:
    assert classify("Shanxi is known for its coal.").provinces == ["Shanxi"]
    assert classify("Shaanxi is home to the terracotta army.").provinces == ["Shaanxi"]
    assert classify("Taiyuan is a coal city.").provinces == ["Shanxi"]
    assert classify("Xi'an is an ancient capital.").provinces == ["Shaanxi"]


def test_jilin_city_and_jilin_province_are_both_jilin() -> None:
    assert classify("Jilin City lies on the Songhua river.").provinces == ["Jilin"]
    assert classify("Jilin province borders North Korea.").provinces == ["Jilin"]


def test_cities_and_old_names_stand_for_their_province() -> None:
    text = "Freight left Lianyungang, Urumqi, Khorgos and Yiwu; Sinkiang and Szechwan too."
    assert classify(text).provinces == ["Jiangsu", "Sichuan", "Xinjiang", "Zhejiang"]


def test_inner_mongolia_is_not_mongolia() -> None:
    labels = classify("Inner Mongolia exports coal to Mongolia.")
    assert labels.provinces == ["Inner Mongolia"]
    assert labels.countries == ["MN"]


def test_chinese_and_russian_names() -> None:
    labels = classify("甘肃省与哈萨克斯坦签署了有色金属合作协议。")
    assert labels.provinces == ["Gansu"]
    assert labels.countries == ["KZ"]
    labels = classify("Синьцзян и Казахстан подписали соглашение.")
    assert labels.provinces == ["Xinjiang"]
    assert labels.countries == ["KZ"]


# --- pairings ---------------------------------------------------------------------------


def test_a_list_gives_one_pairing_per_country() -> None:
    text = "Gansu is paired with Tajikistan, Kyrgyzstan and Iran in steel, cement and textiles."
    labels = classify(text)
    assert pairs(labels) == {("Gansu", "TJ"), ("Gansu", "KG"), ("Gansu", "IR")}
    for pairing in labels.pairings:
        assert pairing.sectors == ["building-materials", "steel", "textiles"]
        assert (pairing.start, pairing.end) == (0, len(text))
        assert pairing.evidence == text


def test_co_occurrence_is_not_a_pairing() -> None:
    assert classify("Xinjiang borders Kazakhstan, Kyrgyzstan and Tajikistan.").pairings == []
    assert classify("Officials from Gansu visited Kazakhstan and toured a museum.").pairings == []
    article = "Gansu is a province of China. Kazakhstan signed a deal with Russia."
    assert classify(article).pairings == []


def test_separate_clauses_are_not_linked() -> None:
    text = "Gansu announced new investment rules, and Kazakhstan held elections."
    assert classify(text).pairings == []


def test_each_province_gets_its_own_partner_and_sectors() -> None:
    text = (
        "Kazakhstan signed a deal with Xinjiang on steel, and Uzbekistan with Gansu on "
        "textiles."
    )
    labels = classify(text)
    assert {(p.province, p.country, tuple(p.sectors)) for p in labels.pairings} == {
        ("Xinjiang", "KZ", ("steel",)),
        ("Gansu", "UZ", ("textiles",)),
    }


def test_coordinated_provinces_share_a_partner() -> None:
    text = "Xinjiang and Gansu signed agreements with Kazakhstan on copper smelters."
    labels = classify(text)
    assert pairs(labels) == {("Xinjiang", "KZ"), ("Gansu", "KZ")}
    assert all(p.sectors == ["nonferrous-metals"] for p in labels.pairings)


def test_a_relative_clause_aside_does_not_hide_the_link() -> None:
    labels = classify("Xinjiang, which borders Kazakhstan, signed deals with Pakistan.")
    assert pairs(labels) == {("Xinjiang", "PK")}


def test_an_attributed_quote_is_not_a_link() -> None:
    text = "Chinese investment in Kazakhstan has grown, said an official from Xinjiang."
    assert classify(text).pairings == []


def test_venue_of_an_event_is_not_a_party() -> None:
    text = "At a forum held in Urumqi, Kazakhstan and Uzbekistan signed deals."
    labels = classify(text)
    assert labels.provinces == ["Xinjiang"]
    assert labels.pairings == []
    assert classify("In Beijing, Kazakh and Chinese officials signed 30 agreements.").pairings == []


def test_city_pairs_for_its_province() -> None:
    labels = classify("Lianyungang will build a logistics base in Kazakhstan.")
    assert pairs(labels) == {("Jiangsu", "KZ")}
    assert labels.pairings[0].sectors == ["logistics"]


def test_pairing_in_the_title_has_no_text_offsets() -> None:
    labels = classify("Officials met on Monday.", title="Gansu signs copper deal with Kazakhstan")
    assert pairs(labels) == {("Gansu", "KZ")}
    assert labels.pairings[0].start is None and labels.pairings[0].end is None


def test_pairing_offsets_point_into_the_text_after_a_title() -> None:
    text = "Markets were calm. Hebei relocated steel capacity to Serbia."
    labels = classify(text, title="Steel moves west")
    (pairing,) = labels.pairings
    assert text[pairing.start : pairing.end] == "Hebei relocated steel capacity to Serbia."


# --- sectors ----------------------------------------------------------------------------


def test_one_generic_word_is_not_a_sector() -> None:
    assert classify("Shanghai Port won again; Port fans sang as the Port bus left.").sectors == []
    assert classify("The plan gives new energy to the talks.").sectors == []


def test_specific_terms_make_a_sector() -> None:
    labels = classify("The new cement plant and a float glass line opened in Uzbekistan.")
    assert labels.sectors == ["building-materials"]


def test_enumerated_industries_all_count() -> None:
    text = "Industries include steel, chemicals, automotive and agriculture."
    assert classify(text).sectors == ["agriculture", "automotive", "chemicals", "steel"]


# --- relevance --------------------------------------------------------------------------


FOOTBALL = (
    "Shanghai Port beat Shandong Taishan 2-1 on Saturday to go three points clear at the top "
    "of the Chinese Super League. Brazilian striker Gustavo scored the winner in stoppage time "
    "at the Pudong Football Stadium in Shanghai. \"It was a difficult game,\" the coach said."
)


def test_football_match_in_shanghai_is_not_relevant() -> None:
    labels = classify(FOOTBALL, title="Shanghai Port edge Shandong")
    assert labels.relevant is False
    assert labels.relevance < 0.5
    assert labels.pairings == []


def test_belt_and_road_article_is_relevant() -> None:
    text = (
        "Under the Belt and Road Initiative, Chinese firms from Jiangsu will build a cement "
        "plant in Uzbekistan as part of international capacity cooperation."
    )
    labels = classify(text)
    assert labels.relevant is True
    assert labels.relevance > 0.9


def test_chinese_firms_building_industry_abroad_are_relevant() -> None:
    text = (
        "Chinese companies are building a railway in Kenya and a cement plant in Ethiopia. "
        "Chinese firms also invested in copper mines in Zambia."
    )
    assert classify(text).relevant


def test_trade_news_about_china_is_not_relevant() -> None:
    text = "China's exports to the US rose 5% in May, customs data showed. Steel exports surged."
    assert not classify(text).relevant


def test_a_stated_pairing_alone_makes_an_article_relevant() -> None:
    assert classify("Gansu signed agreements with Kazakhstan on copper smelters.").relevant


def test_chinese_and_russian_cue_phrases() -> None:
    assert classify("共建一带一路并深化国际产能合作。").relevant
    assert classify("Казахстан поддерживает инициативу «Пояс и путь».").relevant
