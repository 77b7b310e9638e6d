"""Links that the words around a place make or unmake: a list of where things are, a
route named by its two ends, a market a plant exports to, a company's name after a word
for China, Taiwanese firms, a route's crossing and Central Asian regions named in
English. Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from tests.labels import pair_keys


def test_a_list_of_factory_locations_links_no_province() -> None:
    text = ("The contract electronics maker signed a deal to build a plant near Hanoi. It "
            "already has factories in Taiwan, China, Brazil, Mexico and Ireland.")
    assert pair_keys(classify(text)) == set()


def test_locations_each_after_in_are_items_of_one_list() -> None:
    text = ("Over the past decade the motor maker has developed industrial parks in Subic Bay "
            "in the Philippines, in Qingdao in China's Shandong province, and in Pune, India.")
    assert ("Shandong", "PH") not in pair_keys(classify(text))


def test_a_city_in_its_province_and_a_foreign_city_still_pair() -> None:
    text = ("Dalian in Liaoning province and the Russian city of Murmansk will cooperate in "
            "fisheries under a memorandum the two cities signed.")
    assert pair_keys(classify(text)) == {("Liaoning", "RU")}


def test_a_route_named_by_its_two_ends_is_a_link() -> None:
    text = "A photo shows the Xiamen-Budapest train at Haicang Station before its 18-day journey."
    assert pair_keys(classify(text)) == {("Fujian", "HU")}


def test_a_tourist_train_is_no_route_link() -> None:
    text = "A tourist train from Urumqi took 200 holidaymakers to see the lakes near Almaty."
    assert pair_keys(classify(text)) == set()


def test_the_market_a_plant_exports_to_is_no_party() -> None:
    text = ("A Taiwanese motor maker opened a factory in Vietnam's Binh Duong Province. The "
            "plant will make 200,000 motors a year for export to the United States.")
    assert pair_keys(classify(text)) == {("Taiwan", "VN")}


def test_a_trade_measure_names_no_party() -> None:
    text = ("Taipei-based Lite-On is investing in Thailand to avoid US tariffs on goods made "
            "on the mainland.")
    assert pair_keys(classify(text)) == {("Taiwan", "TH")}


def test_a_taiwanese_firm_is_taiwans() -> None:
    labels = classify("Taiwanese injection press maker Chuan Lih plans to open a plant in "
                      "Vietnam next year.")
    assert labels.provinces == ["Taiwan"]
    assert pair_keys(labels) == {("Taiwan", "VN")}


def test_a_company_named_after_china_s_is_the_subject_of_its_said() -> None:
    text = ("China's Zhejiang Huayou Cobalt said on Monday it would build a nickel smelter in "
            "Indonesia with two partners.")
    assert pair_keys(classify(text)) == {("Zhejiang", "ID")}


def test_a_province_a_route_passes_by_way_of_is_no_party() -> None:
    text = ("The first cargo train from Chongqing left for Vientiane on Wednesday and will "
            "reach the Lao capital by way of Yunnan Province in five days.")
    assert pair_keys(classify(text)) == {("Chongqing", "LA")}


def test_a_kazakh_region_named_in_english_stands_for_kazakhstan() -> None:
    text = ("An agreement on friendly relations between Zhambyl region and the Changji Hui "
            "Autonomous Prefecture is to be signed during the governor's visit.")
    labels = classify(text)
    assert pair_keys(labels) == {("Xinjiang", "KZ")}


def test_a_title_case_dateline_opening_the_text_is_no_party() -> None:
    text = ("Beijing - Chinese companies have signed a contract to build the jetty of a "
            "coal-fired power plant in Balochistan, Pakistan.")
    assert pair_keys(classify(text)) == set()


def test_a_province_leader_meeting_a_foreign_minister_is_a_link() -> None:
    text = ("A delegation of Kazakhstan's farm ministry met leaders of the Xinjiang Uygur "
            "Autonomous Region to discuss supplies of grain.")
    assert pair_keys(classify(text)) == {("Xinjiang", "KZ")}


def test_a_passenger_air_route_is_no_link() -> None:
    text = ("Uzbekistan Airways will launch a new route from Fergana to Urumqi, with weekly "
            "flights every Friday from April 4.")
    assert pair_keys(classify(text)) == set()


def test_a_cargo_air_route_is_a_link() -> None:
    text = ("A new route with weekly cargo flights opened between Zhengzhou and Athens, "
            "carrying e-commerce parcels.")
    assert pair_keys(classify(text)) == {("Henan", "GR")}


def test_a_tourism_agreement_is_a_link() -> None:
    text = "Yunnan signed a tourism cooperation agreement with Laos to draw more tourists."
    assert pair_keys(classify(text)) == {("Yunnan", "LA")}


def test_a_ship_sailing_from_a_province_s_port_is_a_route() -> None:
    text = ("Loaded with machinery and fruit, the ship will sail directly from Qingdao to "
            "Vietnam and Thailand.")
    assert pair_keys(classify(text)) == {("Shandong", "VN"), ("Shandong", "TH")}


def test_a_voyage_from_a_port_is_no_route_link() -> None:
    text = ("After a 31-day voyage from Shanghai, 100 Chinese-made electric buses have landed "
            "at the port of San Antonio in Chile.")
    assert pair_keys(classify(text)) == set()


def test_a_state_governor_written_gov_stands_for_his_country() -> None:
    text = ("Utah Gov. Gary Herbert signed a memorandum with the governor of Qinghai Province "
            "on trade and energy.")
    assert pair_keys(classify(text)) == {("Qinghai", "US")}
