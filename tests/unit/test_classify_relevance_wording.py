"""Whether an article is about China's capacity cooperation abroad, in the wording real
reports use.

One sentence in which a Chinese company or province builds, runs or supplies something in
a named foreign country, in a sector the article is about, is such an article even when
no Belt and Road phrase appears. A dateline's place is where the report was filed from,
not a party to it. Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify


def test_one_sentence_of_a_chinese_company_building_abroad_makes_it_relevant() -> None:
    text = ("Work has started on a cement plant in western Nepal, a joint venture between "
            "China's Hongshi Cement and a Nepali partner. The plant will turn out 4,000 "
            "tonnes of cement a day and employ 400 people.")
    labels = classify(text)
    assert labels.relevant is True
    assert labels.sectors == ["building-materials"]


def test_a_chinese_rail_maker_delivering_metro_cars_abroad_is_relevant() -> None:
    text = ("A rolling stock maker from Changchun is delivering 60 metro cars to Tehran "
            "this year under a contract with the Iranian capital. The cars were tested "
            "on a line in Jilin before shipment.")
    assert classify(text).relevant is True


def test_a_dateline_city_is_not_a_chinese_actor() -> None:
    text = ("URUMQI, May 3 (Xinhua) -- Uzbekistan signed a deal on Tuesday to buy "
            "natural gas from Turkmenistan for its power stations.")
    labels = classify(text)
    assert labels.provinces == ["Xinjiang"]
    assert labels.relevant is False


def test_a_sector_word_below_the_articles_sectors_is_no_evidence_of_work_abroad() -> None:
    text = ("Ghana's ambassador toured Zhejiang province this week and visited a museum in "
            "Hangzhou. He said Ghana would build on Chinese experience to run its port.")
    labels = classify(text)
    assert labels.sectors == []
    assert labels.relevant is False


def test_a_chinese_company_and_a_china_expo_are_evidence_together() -> None:
    text = ("Lao ministers toured the China-ASEAN Expo in Nanning on Friday, where a "
            "Chinese contractor presented its plans for a hospital in Vientiane.")
    assert classify(text).relevant is True


def test_the_sector_of_a_chinese_investment_may_come_in_the_next_sentence() -> None:
    text = ("China's Zijin Mining plans to invest 800 million dollars in Serbia this year. "
            "It will expand two open-pit copper mines near Bor.")
    labels = classify(text)
    assert labels.relevant is True
    assert "mining" in labels.sectors


def test_the_chinese_actor_and_the_country_may_come_in_different_sentences() -> None:
    text = ("A fruit company will build cold stores for apples in Kazakhstan. Its deputy "
            "manager said the Chinese company would invest 30 million yuan.")
    assert classify(text).relevant is True


def test_a_taiwan_company_abroad_is_no_belt_and_road_cooperation() -> None:
    text = ("A Taiwan chipmaker signed a deal to build a second plant in Kumamoto, Japan, "
            "with Japanese subsidies. The plant will supply carmakers in the region.")
    labels = classify(text)
    assert [(p.province, p.country) for p in labels.pairings] == [("Taiwan", "JP")]
    assert labels.relevant is False


def test_belt_and_road_countries_named_as_trade_partners_in_customs_figures() -> None:
    # Customs figures that sort trading partners into Belt and Road countries are trade
    # statistics, not capacity cooperation.
    text = ("Shanxi's foreign trade rose 12 percent in the first half to 95 billion yuan, "
            "Taiyuan Customs said. Trade with countries along the Belt and Road grew "
            "18 percent, and imports of coal and iron ore fell.")
    assert classify(text).relevant is False


def test_belt_and_road_outside_trade_figures_still_counts() -> None:
    text = ("Shanxi's foreign trade rose 12 percent in the first half, Taiyuan Customs "
            "said. The province also signed Belt and Road agreements with Kazakhstan.")
    assert classify(text).relevant is True


def test_a_chinese_groups_investment_in_a_plant_of_a_country_named_before() -> None:
    # The country is named where the plant is; the sentence of the Chinese group's
    # investment names no country.
    text = ("The copper smelter in Bor, Serbia, has belonged to Zijin since Monday, the "
            "prime minister said. The Chinese group plans to invest 400 million euros to "
            "modernise it and will keep its 5,000 workers.")
    labels = classify(text)
    assert labels.relevant is True
    assert labels.sectors == ["nonferrous-metals"]


def test_a_chinese_company_at_home_and_a_country_named_apart_is_no_sector_article() -> None:
    # No sector: a Chinese actor and a country named apart do not make capacity
    # cooperation.
    text = ("Chinese tourists flocked to Thailand over the holiday. A Chinese travel "
            "company said it would invest in more online booking tools.")
    assert classify(text).relevant is False


def test_a_province_company_named_early_and_its_bases_abroad_later() -> None:
    # The company's province is told two sentences before the sentence of its
    # manufacturing bases abroad, too far back to link, but the article is about a
    # Chinese company working abroad.
    text = ("For the founder of Chongqing Zongshen Group, motorcycles and engines are the "
            "two legs of the business. Developing countries still offer many markets, he "
            "says. The group has set up manufacturing bases in Vietnam, Nigeria and Brazil.")
    assert classify(text).relevant is True


def test_a_province_named_only_in_a_dateline_is_no_chinese_actor() -> None:
    text = ("LANZHOU, May 4 (Xinhua) -- Kazakhstan and Russia signed a gas supply deal on "
            "Monday. The pipeline will carry 10 billion cubic metres a year.")
    assert classify(text).relevant is False
