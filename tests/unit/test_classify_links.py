"""The five kinds of wording real news states pairings in, and the sector traps around them.

Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from services.common.contracts import Labels
from tests.labels import pair_keys


def _sectors_of(labels: Labels, province: str, country: str) -> set[str]:
    (pairing,) = [p for p in labels.pairings if (p.province, p.country) == (province, country)]
    return set(pairing.sectors)


# 1. Links stated across sentences


def test_an_actor_tied_to_its_province_links_to_the_country_of_its_next_sentence() -> None:
    text = ("Huayou, a cobalt refiner from Zhejiang, reported higher output last quarter. "
            "The group is building a nickel smelter in Indonesia with local partners.")
    labels = classify(text)
    assert pair_keys(labels) == {("Zhejiang", "ID")}
    (pairing,) = labels.pairings
    # Both sentences are the evidence, and the offsets point at them in the text.
    assert pairing.evidence == text
    assert (pairing.start, pairing.end) == (0, len(text))
    assert _sectors_of(labels, "Zhejiang", "ID") == {"nonferrous-metals"}


def test_a_based_actor_named_again_two_sentences_later_is_linked() -> None:
    text = ("Hefei-based JAC Motors sells light trucks at home. Sales rose again this year. "
            "JAC Motors also opened a vehicle assembly plant in Mexico in March.")
    assert pair_keys(classify(text)) == {("Anhui", "MX")}


def test_a_person_from_a_province_is_no_actor() -> None:
    text = ("Zhang Wei, a teacher from Gansu, moved abroad in 2019. "
            "He has since opened a restaurant in Kazakhstan.")
    assert classify(text).pairings == []


def test_a_later_sentence_that_does_not_refer_back_is_not_linked() -> None:
    text = ("Midea, an appliance maker from Guangdong, raised its dividend. "
            "Meanwhile Egypt signed a loan agreement with the World Bank.")
    assert classify(text).pairings == []


def test_the_link_does_not_cross_a_paragraph() -> None:
    text = ("Tianqi, a lithium producer based in Chengdu, posted a loss.\n"
            "The company said Chile had signed new mining rules.")
    assert classify(text).pairings == []


# 2. Routes and services


def test_a_route_between_a_province_city_and_a_foreign_city_is_a_logistics_pairing() -> None:
    labels = classify("The Changsha-Minsk freight train made its first run on Tuesday, "
                      "carrying machinery parts and electronics.")
    assert pair_keys(labels) == {("Hunan", "BY")}
    assert _sectors_of(labels, "Hunan", "BY") == {"logistics"}
    assert labels.sectors == ["logistics"]


def test_trains_from_a_province_city_to_a_foreign_city() -> None:
    labels = classify("More block trains from Zhengzhou to Hamburg will run next year.")
    assert pair_keys(labels) == {("Henan", "DE")}
    assert "railways" not in labels.sectors


# 3. Sub-national partners


def test_a_foreign_state_stands_for_its_country_in_a_link() -> None:
    labels = classify("Shandong signed a cooperation agreement with Sao Paulo on port "
                      "logistics and food processing.")
    assert pair_keys(labels) == {("Shandong", "BR")}
    assert "BR" in labels.countries


def test_a_foreign_city_outside_a_link_is_not_a_country() -> None:
    # "Split" is a Croatian city and an ordinary word; "Tata" a Moroccan province and a name.
    labels = classify("Shaanxi officials agreed to split the costs with Tata Motors.")
    assert labels.pairings == []
    assert labels.countries == []


# 4. Border ports, zones and cross-border lines


def test_a_land_port_on_the_border_joins_its_province_to_the_neighbour() -> None:
    labels = classify("Alashankou, a land port in Xinjiang on the border with Kazakhstan, "
                      "cleared 6,000 freight trains this year.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert _sectors_of(labels, "Xinjiang", "KZ") == {"logistics"}


def test_bordering_a_country_without_a_crossing_is_no_pairing() -> None:
    text = "Yunnan borders Myanmar, Laos and Vietnam, and signed a tourism plan last week."
    assert classify(text).pairings == []


# 5. Events and delegations


def test_a_provincial_delegation_at_an_investment_event_abroad() -> None:
    labels = classify("A Hubei delegation signed eight agreements at an investment "
                      "promotion conference in Serbia.")
    assert pair_keys(labels) == {("Hubei", "RS")}


def test_a_russian_delegation_passage() -> None:
    text = "Делегация провинции Ляонин провела переговоры в Монголии о поставках угля."  # noqa: RUF001
    labels = classify(text)
    assert pair_keys(labels) == {("Liaoning", "MN")}


# Sector traps


def test_cargo_does_not_make_its_sector() -> None:
    labels = classify("A freight train carrying auto parts, garments and copper wire left "
                      "Chongqing for Duisburg on Friday.")
    assert pair_keys(labels) == {("Chongqing", "DE")}
    assert labels.sectors == ["logistics"]


def test_a_company_name_does_not_make_its_sector() -> None:
    labels = classify("A Jiangsu solar company has built a power plant in Egypt, a former "
                      "manager of Tata Steel said.")
    assert _sectors_of(labels, "Jiangsu", "EG") == {"electric-power"}
    assert "steel" not in labels.sectors


def test_history_does_not_make_its_sector() -> None:
    text = ("A Fujian firm opened a shoe factory in Ethiopia this year. "
            "The site was once a cement works that closed in the 1980s.")
    assert "building-materials" not in classify(text).sectors


def test_building_the_line_is_railways() -> None:
    labels = classify("A Sichuan engineering company is building a railway line in Laos.")
    assert _sectors_of(labels, "Sichuan", "LA") == {"railways"}


def test_border_gates_highways_and_railway_ports_are_logistics() -> None:
    labels = classify("Guangxi and Vietnam's Lang Son province agreed to speed up customs "
                      "clearance at the Huu Nghi border gate.")
    assert pair_keys(labels) == {("Guangxi", "VN")}
    assert _sectors_of(labels, "Guangxi", "VN") == {"logistics"}
    # A railway port is a border crossing: logistics, not railways.
    labels = classify("Inner Mongolia's Erenhot railway port links China with Mongolia.")
    assert labels.sectors == ["logistics"]
    labels = classify("Jilin will upgrade the highway from Hunchun to Russia's Zarubino port.")
    assert "logistics" in labels.sectors


def test_the_trains_of_a_freight_service_are_not_railways() -> None:
    labels = classify("A train with ketchup left Urumqi for Almaty in Kazakhstan. The train now "
                      "runs daily, and Xinjiang sends 300 westbound trains a year.")
    assert "railways" not in labels.sectors


def test_tyres_are_automotive() -> None:
    labels = classify("Shandong Linglong Tire is building a tyre factory in Serbia.")
    assert pair_keys(labels) == {("Shandong", "RS")}
    assert _sectors_of(labels, "Shandong", "RS") == {"automotive"}


def test_a_bilateral_port_and_ports_that_connect_join_a_province_to_its_neighbour() -> None:
    labels = classify("Operations began at the expanded Gyirong-Nepal Rasuwa bilateral port in "
                      "the Tibet autonomous region.")
    assert pair_keys(labels) == {("Tibet", "NP")}
    labels = classify("Nine of the frontier ports of Inner Mongolia connect with Mongolia.")
    assert pair_keys(labels) == {("Inner Mongolia", "MN")}
    assert _sectors_of(labels, "Inner Mongolia", "MN") == {"logistics"}


def test_the_visit_of_a_provincial_delegation_refers_back_to_it() -> None:
    text = ("A delegation from Hunan province led by its governor toured companies in Nairobi. "
            "The visit aimed to deepen economic and industrial cooperation with Kenya.")
    assert pair_keys(classify(text)) == {("Hunan", "KE")}
    # A visit by someone who is no actor of the province links nothing.
    text = ("A teacher from Hunan toured schools in Nairobi. The visit aimed to deepen "
            "cooperation with Kenya.")
    assert pair_keys(classify(text)) == set()


def test_the_one_link_of_an_article_takes_its_sectors_when_its_sentence_names_none() -> None:
    text = ("Jiangsu and Cambodia's Sihanoukville became sister provinces when their governors "
            "signed an agreement. Jiangsu's investment there is mostly in garment factories.")
    assert _sectors_of(classify(text), "Jiangsu", "KH") == {"textiles"}
    # With two links, the article's sectors are not handed to either.
    text = ("Gansu signed an agreement with Kazakhstan, and Qinghai signed one with "
            "Turkmenistan. Both provinces build copper smelters.")
    labels = classify(text)
    assert pair_keys(labels) == {("Gansu", "KZ"), ("Qinghai", "TM")}
    assert all(not p.sectors for p in labels.pairings)


def test_a_provincial_delegation_to_a_country_is_a_link() -> None:
    labels = classify("In March the Party chief led a Xinjiang delegation to Uzbekistan and "
                      "Kyrgyzstan.")
    assert pair_keys(labels) == {("Xinjiang", "UZ"), ("Xinjiang", "KG")}
    # A foreign delegation to a province is a visit, not a link by itself.
    assert pair_keys(classify("A Kazakh delegation to Xinjiang toured farms and a museum.")) == set()


def test_an_inland_port_on_the_border_joins_its_province_to_the_neighbour() -> None:
    labels = classify("Erenhot, an inland port city of Inner Mongolia on the border with "
                      "Mongolia, handled 13 million tonnes of cargo.")
    assert pair_keys(labels) == {("Inner Mongolia", "MN")}
    # Bordering alone, with no crossing named, stays unlinked.
    assert pair_keys(classify("Erenhot, a city of Inner Mongolia on the border with Mongolia, "
                           "signed nothing.")) == set()


def test_an_officials_title_does_not_make_its_sector() -> None:
    labels = classify("Mongolia's minister of food, agriculture and light industry said the "
                      "government wants more border tourism.")
    assert labels.sectors == []
    assert classify("The Ministry of Agriculture of Kazakhstan hosted the meeting.").sectors == []
    # The remit words end the title: what the ministry does next still counts.
    labels = classify("The ministry of energy signed a deal to build a power plant in Kazakhstan.")
    assert labels.sectors == ["electric-power"]


def test_exhibits_at_a_fair_do_not_make_their_sector() -> None:
    labels = classify("More than 800 booths show farm produce, seafood, building materials and "
                      "handicrafts at the Lao Cai border trade fair.")
    assert "building-materials" not in labels.sectors


def test_a_train_of_wagons_or_containers_leaving_a_province_city_is_a_route() -> None:
    labels = classify("Train X9041, with 50 wagons, left Xi'an for Kazakhstan on Wednesday.")
    assert pair_keys(labels) == {("Shaanxi", "KZ")}
    labels = classify("A train of 100 containers left Chongqing for Duisburg in Germany.")
    assert pair_keys(labels) == {("Chongqing", "DE")}
    # Passengers on a train are no route.
    assert pair_keys(classify("Students from Harbin took a train to Moscow.")) == set()


def test_an_actors_province_told_after_its_work_abroad_is_linked() -> None:
    text = ("XCMG opened its first factory abroad in Pouso Alegre, Brazil, on Friday. "
            "The Xuzhou-based group ranks fifth among machinery makers.")
    labels = classify(text)
    assert pair_keys(labels) == {("Jiangsu", "BR")}
    (pairing,) = labels.pairings
    assert pairing.evidence == text
    assert _sectors_of(labels, "Jiangsu", "BR") == {"construction-machinery"}
    text = "A carmaker opened an assembly plant in Morocco. It is headquartered in Hefei."
    assert pair_keys(classify(text)) == {("Anhui", "MA")}


def test_a_later_sentence_naming_another_actor_or_no_actor_is_not_linked() -> None:
    for text in [
        "Brazil signed deals with Chinese machinery firms. The Shenzhen-based BYD reported losses.",
        "A carmaker opened a plant in Morocco. The minister later visited Hefei.",
        "A carmaker opened a plant in Morocco. Its rival in Spain is headquartered in Hefei.",
        "A carmaker signed a deal with Brazil. The Shanghai-based analyst said it was large.",
    ]:
        assert pair_keys(classify(text)) == set(), text


def test_a_container_ship_on_a_route_is_shipping_not_shipbuilding() -> None:
    labels = classify("The container ship TJ Orhan docked at Ningbo Zhoushan Port in Zhejiang, "
                      "the first ship on a new shipping route to Saudi Arabia.")
    assert "shipbuilding" not in labels.sectors
    assert _sectors_of(labels, "Zhejiang", "SA") == {"logistics"}
    # Building container ships is still shipbuilding.
    labels = classify("A Jiangsu shipyard signed a contract to build ten container ships for Swiss "
                      "owners.")
    assert "shipbuilding" in labels.sectors


def test_a_foreign_region_links_in_a_sentence_of_its_own_after_its_country_is_named() -> None:
    text = ("The governor of Uzbekistan's Jizzakh region received a delegation from Hubei. "
            "A protocol on trade cooperation was signed between Jizzakh region and Shandong "
            "province.")
    labels = classify(text)
    assert ("Shandong", "UZ") in pair_keys(labels)
    # A region in a sentence that names a country itself is read through that country.
    labels = classify("Shandong signed a deal with Kazakhstan, and firms in Jizzakh cheered.")
    assert pair_keys(labels) == {("Shandong", "KZ")}
