# ruff: noqa: RUF001  (the passages are Chinese and Russian text)
"""Chinese and Russian wording of links, places and sectors.

Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from tests.labels import pair_keys


def test_a_chinese_cargo_list_does_not_make_its_sectors() -> None:
    labels = classify("一列满载汽车配件和棉纱的中欧班列从成都开往波兰罗兹。")
    assert pair_keys(labels) == {("Sichuan", "PL")}
    assert labels.sectors == ["logistics"]


def test_a_chinese_short_form_names_the_country() -> None:
    labels = classify("甘肃省代表团与哈方企业签署协议，双方将在有色金属领域开展合作。")
    assert labels.countries == ["KZ"]
    assert pair_keys(labels) == {("Gansu", "KZ")}


def test_a_short_forms_character_starting_a_city_is_the_city() -> None:
    labels = classify("六个城市中，其中哈尔滨与俄罗斯的经贸合作最多。")
    assert labels.countries == ["RU"]
    assert pair_keys(labels) == {("Heilongjiang", "RU")}


def test_words_holding_a_place_name_are_not_the_place() -> None:
    labels = classify(
        "红其拉甫口岸位于塔什库尔干塔吉克自治县，是新疆对巴基斯坦的陆路口岸。中哈物流合作基地让哈方获得了出海口。"
    )
    assert labels.provinces == ["Xinjiang"]
    assert labels.countries == ["KZ", "PK"]
    assert pair_keys(labels) == {("Xinjiang", "PK")}


def test_queensland_is_no_lanzhou() -> None:
    # 昆士兰 (Queensland) holds 兰州 (Lanzhou, Gansu) across its last two characters.
    labels = classify("澳大利亚昆士兰州政府与山东一家企业签署协议，在当地建设锂电池材料厂。")
    assert labels.provinces == ["Shandong"]
    assert pair_keys(labels) == {("Shandong", "AU")}


def test_a_region_in_russian_stands_for_its_country() -> None:
    labels = classify(
        "Сурхандарьинская область и провинция Хэйлунцзян договорились о сотрудничестве в сельском хозяйстве."
    )
    assert pair_keys(labels) == {("Heilongjiang", "UZ")}


def test_a_russian_demonym_stands_for_its_country() -> None:
    labels = classify("Узбекская делегация подписала в Харбине соглашение с провинцией Хэйлунцзян.")
    assert labels.countries == ["UZ"]
    assert pair_keys(labels) == {("Heilongjiang", "UZ")}


def test_a_rail_freight_yard_is_logistics_not_railways() -> None:
    labels = classify("首趟中亚班列从新疆乌苏铁路货场开出，经阿拉山口铁路口岸出境，开往哈萨克斯坦阿拉木图。")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert labels.sectors == ["logistics"]


def test_cotton_traded_is_textiles_not_farming() -> None:
    labels = classify(
        "新疆一家企业与乌兹别克斯坦签约，经欧亚大陆桥进口乌兹别克斯坦棉花，在当地合作建设纺纱厂。"
    )
    assert labels.sectors == ["textiles"]


def test_russian_sector_words_of_a_coal_chemical_plant_and_a_hydro_plant() -> None:
    labels = classify(
        "Карагандинская область и провинция Шаньдун подписали соглашение о строительстве "
        "углехимического завода. Город Хэган провинции Хэйлунцзян предложил построить "
        "гидроэлектростанцию в Амурской области."
    )
    assert pair_keys(labels) == {("Shandong", "KZ"), ("Heilongjiang", "RU")}
    assert labels.sectors == ["chemicals", "electric-power"]


def test_a_route_links_its_origin_not_the_province_it_passes() -> None:
    labels = classify(
        "Грузовой поезд из Ланьчжоу пройдёт через сухопутный порт Хоргос в Синьцзяне и прибудет в Ташкент."
    )
    assert pair_keys(labels) == {("Gansu", "UZ")}
    labels = classify("首趟班列从贵阳经新疆霍尔果斯口岸开往哈萨克斯坦阿拉木图。")
    assert pair_keys(labels) == {("Guizhou", "KZ")}


def test_a_crossing_with_no_route_origin_joins_its_province_to_the_neighbour() -> None:
    labels = classify(
        "Через пункт пропуска Алашанькоу в Синьцзяне на границе с Казахстаном прошло 90 тыс. поездов."
    )
    assert pair_keys(labels) == {("Xinjiang", "KZ")}


def test_the_parties_next_sentence_gives_the_links_sectors() -> None:
    labels = classify(
        "Делегация Ферганской области подписала меморандум с провинцией Ганьсу. "
        "Стороны договорились развивать сотрудничество в сельском хозяйстве и добыче полезных ископаемых."
    )
    assert pair_keys(labels) == {("Gansu", "UZ")}
    assert labels.pairings[0].sectors == ["agriculture", "mining"]
    labels = classify("宁夏与卡拉干达州签署友好合作协议。双方将在化工和电力领域开展合作。")
    assert labels.pairings[0].sectors == ["chemicals", "electric-power"]


def test_a_crossing_a_route_passes_is_no_party_once_its_origin_is_linked() -> None:
    labels = classify(
        "Из Цзинаня в Минск отправился первый контейнерный поезд. "
        "По пути состав пройдёт пункт пропуска Эрэн-Хото во Внутренней Монголии на границе с Монголией."
    )
    assert pair_keys(labels) == {("Shandong", "BY")}


def test_a_russian_adjective_of_a_province_names_it() -> None:
    labels = classify("Шаньдунская компания построит в Костанайской области завод удобрений.")
    assert labels.provinces == ["Shandong"]
    assert pair_keys(labels) == {("Shandong", "KZ")}


def test_a_sector_word_in_a_registered_chinese_company_name_is_no_sector() -> None:
    labels = classify("新疆银隆农业国际合作股份有限公司与乌兹别克斯坦企业签订棉纱采购合同。")
    assert pair_keys(labels) == {("Xinjiang", "UZ")}
    assert labels.sectors == ["textiles"]


def test_beijing_that_backs_a_partner_is_the_government() -> None:
    labels = classify("这体现了北京对哈方实施工业化计划的支持。")
    assert labels.provinces == []
    assert labels.countries == ["KZ"]


def test_a_plant_abroad_links_like_a_signed_deal() -> None:
    labels = classify("Шинный завод хэнаньской компании в Марокко вышел на полную мощность.")
    assert pair_keys(labels) == {("Henan", "MA")}
    labels = classify("浙江一家企业在匈牙利的工厂正式运营。")
    assert pair_keys(labels) == {("Zhejiang", "HU")}


def test_an_actor_referred_to_after_a_country_that_announces_its_work() -> None:
    labels = classify(
        "总部位于宁波的均胜电子是一家汽车零部件企业。塞尔维亚政府宣布，该公司将在贝尔格莱德附近建设新工厂。"
    )
    assert pair_keys(labels) == {("Zhejiang", "RS")}


def test_a_project_abroad_then_who_owns_it() -> None:
    labels = classify("塔吉克斯坦索格德州的一座水泥厂近日投产。该项目由湖南一家企业投资建设。")
    assert pair_keys(labels) == {("Hunan", "TJ")}
    labels = classify(
        "В Ошской области открылся завод удобрений. Проект реализует компания из провинции Хэбэй."
    )
    assert pair_keys(labels) == {("Hebei", "KG")}


def test_chinese_investment_abroad_without_a_province_is_still_relevant() -> None:
    assert classify("中资企业投资建设的克孜勒奥尔达玻璃厂已完成七成工程量。").relevant
    assert classify("В индустриальном парке под Минском китайская сторона построит завод солода.").relevant
    assert not classify("浙江今年夏天遭遇高温天气，杭州最高气温达到41度。").relevant


def test_a_bridge_across_the_border_links_but_a_bridge_of_speech_does_not() -> None:
    labels = classify(
        "Движение по понтонному мосту между Благовещенском и китайским Хэйхэ открывается 14 января."
    )
    assert pair_keys(labels) == {("Heilongjiang", "RU")}
    labels = classify("Синьцзян остаётся мостом между Китаем и Казахстаном в культурном смысле.")
    assert pair_keys(labels) == set()


def test_one_generic_chinese_sector_word_is_not_a_sector() -> None:
    labels = classify("甘肃省代表团访问哈萨克斯坦，双方签署合作协议，表示将加强能源领域交流。")
    assert labels.sectors == []
    labels = classify("甘肃省与哈萨克斯坦签署协议，共同开发油气资源并建设天然气管道和能源项目。")
    assert labels.sectors == ["energy"]


def test_the_crossing_a_train_leaves_china_by_is_no_party() -> None:
    labels = classify(
        "满载电子产品的班列从武汉出发运往波兰。列车途经郑州和兰州，从新疆阿拉山口口岸出境，抵达波兰罗兹。"
    )
    assert pair_keys(labels) == {("Hubei", "PL")}


def test_where_a_chinese_event_is_held_is_no_party() -> None:
    assert pair_keys(classify("中国—乌兹别克斯坦地方合作论坛在乌鲁木齐举行。")) == set()
    labels = classify("中国—乌兹别克斯坦地方合作论坛在乌鲁木齐举行，新疆与乌兹别克斯坦签署农业合作协议。")
    assert pair_keys(labels) == {("Xinjiang", "UZ")}


def test_a_declined_russian_city_name_stands_for_its_country_in_a_link() -> None:
    labels = classify("Провинция Хубэй подписала соглашение о сотрудничестве с Казанью.")
    assert pair_keys(labels) == {("Hubei", "RU")}
    labels = classify("Грузовой поезд из Чунцина прибыл в Екатеринбурге.")
    assert pair_keys(labels) == {("Chongqing", "RU")}


def test_a_provinces_delegation_links_in_its_next_sentence() -> None:
    labels = classify(
        "Делегация провинции Ганьсу прибыла в Минск на прошлой неделе. "
        "Делегация подписала соглашение с белорусской стороной о поставках."
    )
    assert pair_keys(labels) == {("Gansu", "BY")}
