"""What joins a province and a country in real reporting, and what only seems to.

The capital named bare is where national things happen; companies whose names open with
provinces act together when coordinated or owned one by the other; a place in parentheses
after a company is its short name; a story that moves on to another company takes "it"
with it; a company named again is the same actor. Each passage is written for its test;
none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from tests.labels import pair_keys

# The capital as the seat of the central government


def test_a_state_visit_to_the_capital_links_no_province() -> None:
    text = ("The two governments will sign a gas supply agreement when the Turkmen president "
            "visits Beijing next month, officials said.")
    labels = classify(text)
    assert labels.pairings == []
    assert "Beijing" in labels.provinces  # still the place the visit goes to


def test_a_grant_from_the_capital_links_no_province() -> None:
    text = ("A new terminal at the port of Chittagong in Bangladesh is being built with a "
            "grant from Beijing, the shipping ministry said.")
    assert classify(text).pairings == []


def test_the_beijing_municipal_government_is_a_party() -> None:
    text = ("The Beijing municipal government signed an agreement with Hungary to build a "
            "logistics centre near Budapest.")
    assert pair_keys(classify(text)) == {("Beijing", "HU")}


def test_a_company_based_in_beijing_is_a_party() -> None:
    text = "A Beijing-based solar firm signed a contract with Egypt to build a 200 MW plant."
    assert pair_keys(classify(text)) == {("Beijing", "EG")}


# Companies acting together


def test_coordinated_companies_from_two_provinces_both_link() -> None:
    text = ("Shandong Lubei Group and Hubei Xingfa Chemicals signed an agreement with "
            "Uzbekistan to build a fertiliser plant in Navoi.")
    assert pair_keys(classify(text)) == {("Shandong", "UZ"), ("Hubei", "UZ")}


def test_a_parent_company_in_apposition_links_too() -> None:
    text = ("Ethiopia signed a contract with Zhejiang Hengyi Textiles, part of the Jiangsu "
            "Dongfang Group, to build a cotton mill in Hawassa.")
    assert pair_keys(classify(text)) == {("Zhejiang", "ET"), ("Jiangsu", "ET")}


def test_a_province_listed_apart_from_the_company_is_not_chained() -> None:
    # The second province is where the company makes its goods at home, not a second
    # company: no name follows it.
    text = ("Henan Tianrui Cement signed a contract with Mozambique to build a plant in "
            "Maputo, its second abroad after one in Zambia.")
    labels = classify(text)
    assert ("Henan", "MZ") in pair_keys(labels)


# A company's short name in parentheses


def test_a_short_name_in_parentheses_is_no_city() -> None:
    text = ("Hebei Iron and Steel (Hegang) has agreed to buy a steel mill in Serbia for "
            "52 million dollars.")
    labels = classify(text)
    assert "Heilongjiang" not in labels.provinces
    assert pair_keys(labels) == {("Hebei", "RS")}


def test_a_province_in_parentheses_inside_a_name_still_counts() -> None:
    text = "Prinx Chengshan (Shandong) Tire will build a tyre plant in Malaysia."
    assert pair_keys(classify(text)) == {("Shandong", "MY")}


def test_an_airline_of_a_province_is_its_party() -> None:
    text = "Sichuan Airlines signed an agreement with Egypt to open a Chengdu-Cairo route."
    labels = classify(text)
    assert "Sichuan" in labels.provinces
    assert ("Sichuan", "EG") in pair_keys(labels)


# Who "it" is


def test_it_after_another_company_took_the_story_is_not_the_first_company() -> None:
    text = ("Tongling Nonferrous Metals of Anhui and CMOC agreed to build a copper smelter "
            "in Zambia, in which CMOC takes 70 percent. CMOC already runs a cobalt mine in "
            "Congo. It also plans a nickel project in Indonesia.")
    pairs = pair_keys(classify(text))
    assert ("Anhui", "ID") not in pairs


def test_a_company_named_again_is_the_same_actor() -> None:
    text = ("Tianqi Lithium said it had completed a deal raising its stake in a lithium "
            "project in Chile. Tianqi, based in Chengdu in Sichuan province, supplies "
            "battery makers.")
    assert pair_keys(classify(text)) == {("Sichuan", "CL")}


def test_another_company_named_later_is_not_the_actor() -> None:
    text = ("Tianqi Lithium said it had completed a deal raising its stake in a lithium "
            "project in Chile. Ganfeng, based in Xinyu in Jiangxi province, is its rival.")
    assert pair_keys(classify(text)) == set()


# Datelines and statistics


def test_a_report_filed_from_two_places_names_no_party() -> None:
    text = ("NANJING, China/ALMATY, Kazakhstan (Reuters) - A glass factory built by a Turkish "
            "group opened in Kazakhstan on Monday, officials said.")
    assert classify(text).pairings == []


def test_a_province_trade_figure_is_no_link() -> None:
    text = ("Yunnan's trade with Belt and Road countries rose 18 percent in the first half, "
            "with Myanmar its largest partner, customs said.")
    assert classify(text).pairings == []


def test_trade_through_a_crossing_still_links() -> None:
    text = ("Xinjiang's exports to Kazakhstan through the Khorgos land port rose 9 percent "
            "in the first quarter.")
    assert pair_keys(classify(text)) == {("Xinjiang", "KZ")}


# What the company opening a sentence does


def test_the_opening_company_links_to_every_place_of_its_predicate() -> None:
    text = ("Anhui Conch Cement signed contracts for two new kilns, one in Wuhu, Anhui "
            "province, and one in Laos.")
    assert pair_keys(classify(text)) == {("Anhui", "LA")}


def test_another_company_after_and_is_not_the_opening_one() -> None:
    text = ("Shandong Linglong Tire opened a plant in Serbia last year, and Sailun Jinyu has "
            "built factories in Thailand and Vietnam.")
    assert pair_keys(classify(text)) == {("Shandong", "RS")}


# Comparisons, asides and joined clauses


def test_a_comparison_opening_the_sentence_is_no_link() -> None:
    text = "Like Guangdong, Vietnam has become a hub for electronics investment and exports."
    assert classify(text).pairings == []


def test_a_comparison_in_apposition_is_no_link() -> None:
    text = "Yunnan, like Laos, depends on hydropower and signed new power deals last year."
    assert classify(text).pairings == []


def test_countries_given_as_examples_of_partners_still_link() -> None:
    text = "Countries like Vietnam and Laos signed power deals with Yunnan last year."
    assert pair_keys(classify(text)) == {("Yunnan", "VN"), ("Yunnan", "LA")}


def test_a_national_leader_inspection_tour_of_a_province_is_no_link() -> None:
    text = ("On an inspection tour of Guangxi, President Xi Jinping called for closer "
            "cooperation with Vietnam.")
    assert classify(text).pairings == []


def test_a_province_in_an_aside_about_another_company_is_no_party() -> None:
    text = "State Grid, which has a large base in Jiangsu, bought a power utility in Brazil."
    assert classify(text).pairings == []


def test_an_aside_that_ties_the_company_to_the_province_links() -> None:
    text = "Sany, which is based in Hunan, signed a contract with Brazil for 300 excavators."
    assert pair_keys(classify(text)) == {("Hunan", "BR")}


def test_a_comma_and_joins_two_clauses_not_two_parties() -> None:
    text = "China signed a railway deal with Pakistan, and Xinjiang will benefit from it."
    assert classify(text).pairings == []


def test_a_person_born_in_a_province_is_no_party() -> None:
    text = "A Chongqing-born entrepreneur opened a noodle factory in Paris, France."
    assert classify(text).pairings == []


def test_between_pairs_the_two_places_it_opens() -> None:
    text = ("Partnership agreements were signed between Samarkand region and Shandong "
            "province, between Tashkent region and Chongqing, and between Bukhara region and "
            "Yunnan province.")
    assert pair_keys(classify(text)) == {("Shandong", "UZ"), ("Chongqing", "UZ"), ("Yunnan", "UZ")}


# The same company named again across sentences


def test_a_company_named_again_with_its_base_later_links() -> None:
    text = ("Battery maker Gotion will open a cathode plant in Morocco. The plant will be its "
            "second in Africa. Gotion was founded in 2006 and is based in Hefei.")
    assert pair_keys(classify(text)) == {("Anhui", "MA")}


def test_based_in_the_province_then_the_name_links() -> None:
    text = ("Excavator maker XCMG signed a memorandum with Chile to build an assembly plant "
            "near Santiago. It would be the company's second plant abroad, after one in "
            "Brazil. Based in Xuzhou in Jiangsu province, XCMG exports to 180 countries.")
    assert pair_keys(classify(text)) == {("Jiangsu", "CL"), ("Jiangsu", "BR")}


def test_based_in_the_province_then_another_name_is_no_link() -> None:
    text = ("Excavator maker XCMG signed a memorandum with Chile to build an assembly plant "
            "near Santiago. Based in Changsha in Hunan province, Sany makes concrete pumps.")
    assert pair_keys(classify(text)) == set()


def test_a_province_opening_a_company_name_ties_it_for_the_next_sentence() -> None:
    text = ("Changsha Zoomlion Heavy Industry plans new production bases abroad, its manager "
            "said. Zoomlion bought Italy's concrete machinery maker CIFA in 2008.")
    assert pair_keys(classify(text)) == {("Hunan", "IT")}


def test_it_after_a_short_opening_still_refers_back() -> None:
    text = ("Chongqing Zongshen Power Group said it would invest more abroad. Since 2010 it "
            "has built motorcycle assembly lines in Vietnam and Nigeria.")
    assert pair_keys(classify(text)) == {("Chongqing", "VN"), ("Chongqing", "NG")}


def test_a_definite_description_of_the_company_refers_back() -> None:
    text = ("Shanghai Zhenhua Port Machinery Company plans a new plant at home. The world's "
            "biggest maker of dockside cranes has signed a contract to supply cranes to Chile.")
    assert pair_keys(classify(text)) == {("Shanghai", "CL")}


def test_a_description_of_someone_else_does_not_refer_back() -> None:
    text = ("Shanghai Zhenhua Port Machinery Company plans a new plant at home. The "
            "country's transport minister signed a contract with Chile on new roads.")
    assert pair_keys(classify(text)) == set()


# Sectors of a province's links that their own sentences do not name


def test_the_links_of_the_one_province_take_the_articles_sectors() -> None:
    text = ("Excavator and crane maker Sany Heavy Industry reported record sales of "
            "construction machinery. Headquartered in Hunan province, Sany has manufacturing "
            "bases in India, the United States and Brazil.")
    labels = classify(text)
    assert pair_keys(labels) == {("Hunan", "IN"), ("Hunan", "US"), ("Hunan", "BR")}
    assert all(p.sectors == ["construction-machinery"] for p in labels.pairings)


def test_links_of_two_provinces_do_not_take_the_articles_sectors() -> None:
    text = ("Excavator makers reported record sales of construction machinery. Hunan signed a "
            "cooperation agreement with India, and Jiangsu one with Brazil.")
    labels = classify(text)
    assert pair_keys(labels) == {("Hunan", "IN"), ("Jiangsu", "BR")}
    assert all(p.sectors == [] for p in labels.pairings)


def test_a_stock_market_where_shares_trade_is_no_party() -> None:
    text = ("Shares of China Tianying rose 6 percent in Hong Kong on reports that it will "
            "buy a waste-to-energy plant in Poland.")
    assert classify(text).pairings == []


def test_a_short_name_given_once_is_no_city_where_it_recurs() -> None:
    text = ("Hebei Iron and Steel (Hegang) has agreed to buy a steel mill in Serbia. Hegang "
            "will keep all 5,000 workers.")
    assert classify(text).provinces == ["Hebei"]
