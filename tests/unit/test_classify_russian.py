# ruff: noqa: RUF001  (the passages are Russian text)
"""Russian wording: declined place names, foreign regions, link words and traps.

Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from services.classify.gazetteer import load_json
from services.classify.russian_forms import RussianForms
from tests.labels import pair_keys


def _forms() -> RussianForms:
    return RussianForms(load_json("russian_morphology.json"))


def test_a_name_ending_in_a_soft_sign_or_short_i_declines() -> None:
    forms = _forms()
    assert "Шанхае" in forms.declined("Шанхай*")
    assert "Хэбэя" in forms.declined("Хэбэй")
    assert {"Хэнани", "Хэнане"} <= set(forms.declined("Хэнань"))


def test_a_name_ending_in_another_vowel_does_not_decline() -> None:
    forms = _forms()
    assert forms.declined("Нинся") == []
    assert forms.declined("Чэнду") == []


def test_a_name_ending_in_a_consonant_takes_case_endings() -> None:
    assert {"Цицикара", "Цицикаре"} <= set(_forms().declined("Цицикар"))
    # A stem alias accepts its endings already.
    assert _forms().declined("Харбин*") == []


def test_a_prefecture_city_in_the_genitive_names_its_province() -> None:
    labels = classify("Делегация Цицикара подписала в Хабаровском крае соглашение о поставках зерна.")
    assert pair_keys(labels) == {("Heilongjiang", "RU")}


def test_adjectives_follow_the_names_last_letter() -> None:
    forms = _forms()
    assert forms.adjective("Кашгар*", "Xinjiang") == "кашгарск*"
    assert forms.adjective("Урумчи", "Xinjiang") == "урумчийск*"
    assert forms.adjective("Шанхай*", "Shanghai") == "шанхайск*"
    # "пекинская компания" is the city's; the government is "официальный Пекин".
    assert forms.adjective("Пекин*", "Beijing") == "пекинск*"


def test_a_province_in_the_prepositional_case_is_found() -> None:
    labels = classify("Инвестиционный форум в Шанхае собрал компании из провинции Хэбэя и Хэнани.")
    assert labels.provinces == ["Hebei", "Henan", "Shanghai"]


def test_a_citys_adjective_names_its_province() -> None:
    labels = classify("Урумчийская таможня оформила грузы, а делегация Кашгарского округа вернулась домой.")
    assert labels.provinces == ["Xinjiang"]


def test_twinning_worded_as_an_adjective_is_a_link() -> None:
    labels = classify(
        "Ошская область установила побратимские связи с городами Кашгарского округа."
    )
    assert pair_keys(labels) == {("Xinjiang", "KG")}


def test_the_city_a_consul_is_posted_to_is_no_party() -> None:
    labels = classify(
        "Генеральный консул Узбекистана в Шанхае провёл переговоры в Ханчжоу о поставках "
        "текстиля из провинции Чжэцзян в Узбекистан."
    )
    assert labels.provinces == ["Shanghai", "Zhejiang"]
    assert pair_keys(labels) == {("Zhejiang", "UZ")}


def test_a_foreign_oblast_adjective_stands_for_its_country() -> None:
    labels = classify("Гомельская область и провинция Хубэй подписали программу сотрудничества.")
    assert pair_keys(labels) == {("Hubei", "BY")}


def test_a_kazakh_region_abbreviation_stands_for_kazakhstan() -> None:
    labels = classify("Аким СКО и делегация провинции Цзилинь подписали меморандум о сотрудничестве.")
    assert labels.countries == ["KZ"]
    assert pair_keys(labels) == {("Jilin", "KZ")}


def test_an_ethnic_autonomous_prefecture_is_not_the_country() -> None:
    labels = classify(
        "Жамбылская область и Или-Казахский автономный округ Синьцзяна стали побратимами."
    )
    assert labels.countries == ["KZ"]
    labels = classify("Делегация Монгольского автономного уезда Синьцзяна посетила выставку.")
    assert labels.countries == []


def test_crossings_named_in_the_plural_link_their_province() -> None:
    labels = classify(
        "Пункты пропуска Внутренней Монголии на границе с Монголией обработали рекордный объём угля."
    )
    assert pair_keys(labels) == {("Inner Mongolia", "MN")}
    assert "logistics" in labels.sectors


def test_a_sector_adjective_with_a_long_ending_counts() -> None:
    labels = classify("Компания из провинции Аньхой построит в Таджикистане цементный завод, "
                      "а затем откроет горнодобывающее предприятие.")
    assert pair_keys(labels) == {("Anhui", "TJ")}
    assert {"building-materials", "mining"} <= set(labels.sectors)


def test_an_air_service_is_logistics_not_aerospace() -> None:
    labels = classify("Открыто прямое авиасообщение между Урумчи и Душанбе.")
    assert pair_keys(labels) == {("Xinjiang", "TJ")}
    assert labels.sectors == ["logistics"]


def test_a_flight_route_is_logistics() -> None:
    labels = classify("Авиакомпания будет дважды в неделю летать по маршруту Омск — Урумчи.")
    assert pair_keys(labels) == {("Xinjiang", "RU")}
    assert labels.pairings[0].sectors == ["logistics"]


def test_aircraft_making_stays_aerospace() -> None:
    labels = classify("Компания из провинции Шэньси построит в Узбекистане завод по сборке самолётов "
                      "для авиастроения.")
    assert pair_keys(labels) == {("Shaanxi", "UZ")}
    assert "aerospace" in labels.sectors


def test_a_route_told_over_two_sentences_links_its_origin_to_its_destination() -> None:
    labels = classify("Грузовой поезд отправился из Чэнду. Через 12 дней он прибудет в Лодзь.")
    assert pair_keys(labels) == {("Sichuan", "PL")}
    assert labels.pairings[0].sectors == ["logistics"]


def test_countries_a_route_passes_are_no_destination() -> None:
    labels = classify("В среду из города Ханьчжун провинции Шэньси отправился контейнерный поезд. "
                      "Состав пройдёт по территории Казахстана и Беларуси и прибудет в Москву.")
    assert pair_keys(labels) == {("Shaanxi", "RU")}


def test_a_chinese_destination_is_no_route_origin() -> None:
    labels = classify("Из Киева в китайский город Цзинань отправился контейнерный поезд. "
                      "Состав пойдёт через Россию и Монголию.")
    assert ("Shandong", "RU") not in pair_keys(labels)
    assert ("Shandong", "MN") not in pair_keys(labels)


def test_a_train_service_in_one_clause_is_logistics() -> None:
    labels = classify("Поезда из Сианя будут ходить также в Москву и Роттердам.")
    assert pair_keys(labels) == {("Shaanxi", "RU"), ("Shaanxi", "NL")}
    assert all(p.sectors == ["logistics"] for p in labels.pairings)


def test_a_road_crossing_is_logistics_not_automotive() -> None:
    labels = classify("Власти Приморья договорились о работе автомобильного пункта пропуска "
                      "Хуньчунь — Краскино на границе провинции Цзилинь с Россией.")
    assert "automotive" not in labels.sectors
    assert "logistics" in labels.sectors


def test_cars_exported_through_a_crossing_are_cargo() -> None:
    labels = classify("Через погранпереход Хоргос в Синьцзяне в Казахстан экспортировано 450 тысяч "
                      "автомобилей.")
    assert labels.sectors == ["logistics"]


def test_the_deal_described_in_the_next_sentence_gives_the_links_sectors() -> None:
    labels = classify("Губернатор провинции Синьцзян и аким Алматинской области подписали соглашение. "
                      "Оно предусматривает строительство ГЭС и линий электропередачи.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert labels.pairings[0].sectors == ["electric-power"]


def test_the_parties_linked_across_sentences_take_the_deals_sectors() -> None:
    labels = classify("Глава провинции Юньнань принял посла Лаоса. Стороны подписали соглашение. "
                      "Оно предусматривает строительство ГЭС.")
    assert pair_keys(labels) == {("Yunnan", "LA")}
    assert labels.pairings[0].sectors == ["electric-power"]


def test_mayors_of_moscow_and_beijing_link_the_city() -> None:
    labels = classify("Мэры Москвы и Пекина подписали программу сотрудничества городов на три года.")
    assert pair_keys(labels) == {("Beijing", "RU")}


def test_beijing_helping_is_the_government() -> None:
    labels = classify("Ташкент и Пекин подписали соглашения. Пекин также поможет проложить тоннель "
                      "для железной дороги в Узбекистане.")
    assert labels.provinces == []
    assert labels.pairings == []


def test_a_beijing_company_is_the_city() -> None:
    labels = classify("Пекинская компания построит цементный завод в Узбекистане.")
    assert pair_keys(labels) == {("Beijing", "UZ")}


def test_a_russian_oblast_adjective_stands_for_russia() -> None:
    labels = classify("Губернатор Рязанской области подписал меморандум с провинцией Гуйчжоу.")
    assert pair_keys(labels) == {("Guizhou", "RU")}


def test_tourists_from_a_country_are_no_party() -> None:
    labels = classify(
        "Туристы из Германии первыми проехали на поезде из Юньнани в Лаос."
    )
    assert pair_keys(labels) == {("Yunnan", "LA")}


def test_trade_statistics_are_no_link() -> None:
    labels = classify("Товарооборот Синьцзяна с Казахстаном за десять месяцев вырос на 12%.")
    assert labels.provinces == ["Xinjiang"]
    assert labels.pairings == []


def test_beijing_as_the_government_is_no_province() -> None:
    labels = classify("Пекин и Ашхабад подписали межправительственное соглашение о поставках газа.")
    assert labels.provinces == []
    assert labels.pairings == []


def test_a_province_opening_an_event_sentence_is_its_venue() -> None:
    labels = classify("В Урумчи состоялась выставка, где компании Казахстана подписали контракты.")
    assert labels.provinces == ["Xinjiang"]
    assert labels.pairings == []


def test_a_land_port_on_the_border_joins_its_province_to_the_country() -> None:
    labels = classify("Хоргос стал крупнейшим сухопутным портом на границе с Казахстаном.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert labels.sectors == ["logistics"]


def test_a_xian_station_named_like_a_taiwanese_city_is_not_taiwan() -> None:
    labels = classify("Грузовой поезд из Сианя в Алматы отправился со станции Синьчжу.")
    assert labels.provinces == ["Shaanxi"]
    assert pair_keys(labels) == {("Shaanxi", "KZ")}


def test_vehicles_handed_over_abroad_are_a_link() -> None:
    labels = classify("Автобусы, собранные в Аньхое, переданы Чили.")
    assert pair_keys(labels) == {("Anhui", "CL")}
    labels = classify("Завод из провинции Хэнань передал Узбекистану партию электробусов.")
    assert pair_keys(labels) == {("Henan", "UZ")}
    assert labels.sectors == ["automotive"]


def test_goods_delivered_from_a_city_to_a_foreign_one_are_a_link() -> None:
    labels = classify("Грузовик из Урумчи доставил товары в Алматы.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}


def test_talks_and_contracts_worded_in_russian_are_links() -> None:
    labels = classify("Представители провинции Хубэй и Таджикистана обсудили расширение торговли.")
    assert pair_keys(labels) == {("Hubei", "TJ")}
    labels = classify("Компания из Цзянсу заключила контракт с Узбекистаном.")
    assert pair_keys(labels) == {("Jiangsu", "UZ")}


def test_a_foreign_demonym_adjective_stands_for_its_country() -> None:
    labels = classify("Иранская компания подписала соглашение с провинцией Цзянсу о поставках стали.")
    assert labels.countries == ["IR"]
    assert pair_keys(labels) == {("Jiangsu", "IR")}


def test_a_demonym_naming_a_language_is_not_the_country() -> None:
    labels = classify("Студенты из Синьцзяна изучают немецкий язык.")
    assert labels.countries == []


def test_the_sides_stating_cooperation_link_the_parties_named_just_before() -> None:
    labels = classify(
        "Губернатор провинции Ганьсу принял посла Таджикистана. "
        "Стороны обсудили сотрудничество в горнодобывающей отрасли."
    )
    assert pair_keys(labels) == {("Gansu", "TJ")}
    assert labels.pairings[0].sectors == ["mining"]


def test_a_dateline_before_the_sides_is_no_party() -> None:
    labels = classify(
        "УРУМЧИ, 5 мая /Синьхуа/ -- Посол Кыргызстана прибыл с визитом в Китай. "
        "Стороны подписали соглашение."
    )
    assert labels.pairings == []


def test_a_city_named_as_where_a_dialogue_began_is_its_venue() -> None:
    labels = classify(
        "В городе Цзинань провинции Шаньдун начался диалог, в котором участвует делегация Кыргызстана."
    )
    assert labels.provinces == ["Shandong"]
    assert labels.pairings == []


def test_a_plant_opening_in_a_province_is_no_event_venue() -> None:
    labels = classify("В Синьцзяне открылся завод казахстанской компании.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}


def test_manzhouli_named_in_russian_is_inner_mongolia() -> None:
    labels = classify("Через погранпереход Забайкальск — Маньчжурия за год прошло 22 млн тонн грузов.")
    assert pair_keys(labels) == {("Inner Mongolia", "RU")}
    assert labels.sectors == ["logistics"]


def test_the_historical_manchuria_is_no_province() -> None:
    labels = classify("В 1930-е годы Северная Маньчжурия была оккупирована.")
    assert labels.provinces == []


def test_a_crossing_referred_back_to_joins_its_province_to_the_country() -> None:
    labels = classify("Через КПП Хоргос и Алашанькоу Синьцзян-Уйгурского автономного района прошло "
                      "более 90 тысяч грузовых поездов. Ежедневно эти два погранперехода на границе "
                      "Китая и Казахстана пересекают более 20 составов.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert labels.pairings[0].sectors == ["logistics"]


def test_each_route_named_by_its_ends_is_a_link() -> None:
    labels = classify("Между Россией и Китаем курсируют поезда Пекин — Москва, а также вагоны "
                      "Чита — Маньчжурия.")
    assert pair_keys(labels) == {("Beijing", "RU"), ("Inner Mongolia", "RU")}
    assert all(p.sectors == ["logistics"] for p in labels.pairings)


def test_a_forum_held_in_a_provincial_capital_is_its_venue() -> None:
    labels = classify("Кыргызстан и Китай подписали 29 документов на бизнес-форуме в Урумчи.")
    assert labels.provinces == ["Xinjiang"]
    assert labels.pairings == []


def test_where_a_national_deal_is_signed_is_its_venue() -> None:
    labels = classify("Казахстан и Китай подписали в Урумчи соглашения на 600 млн долларов.")
    assert labels.pairings == []


def test_substations_and_power_lines_are_electric_power() -> None:
    labels = classify("Алматинская область и компания из Синьцзяна подписали соглашение о "
                      "строительстве подстанций и линий электропередачи.")
    assert pair_keys(labels) == {("Xinjiang", "KZ")}
    assert labels.pairings[0].sectors == ["electric-power"]


def test_a_delegations_trip_is_no_train() -> None:
    labels = classify("Делегация Хабаровского края начала поездку с Харбина, где прошла встреча с "
                      "вице-губернатором провинции Хэйлунцзян.")
    assert "logistics" not in labels.sectors


def test_a_meeting_with_a_provinces_official_is_a_link() -> None:
    labels = classify("Вице-губернатор Ленинградской области заявил о росте связей на встрече с "
                      "председателем Политического консультативного совета провинции Хэйлунцзян.")
    assert pair_keys(labels) == {("Heilongjiang", "RU")}


def test_travel_by_a_railway_is_logistics_not_railway_building() -> None:
    labels = classify("После запуска пассажирских перевозок по железной дороге Китай — Лаос через "
                      "КПП Мохань в провинции Юньнань совершено 25 тысяч поездок в Лаос.")
    assert "railways" not in labels.sectors
    assert "logistics" in labels.sectors


def test_a_freight_route_is_logistics() -> None:
    labels = classify("Провинция Шаньси открыла свой первый маршрут грузовых перевозок в Лаос.")
    assert pair_keys(labels) == {("Shanxi", "LA")}
    assert labels.pairings[0].sectors == ["logistics"]


def test_cranes_are_construction_machinery() -> None:
    labels = classify("Компания из провинции Шаньдун построит в Ферганской области завод, который "
                      "будет собирать подъёмные краны.")
    assert pair_keys(labels) == {("Shandong", "UZ")}
    assert "construction-machinery" in labels.sectors


def test_a_crossing_the_train_goes_over_is_no_party() -> None:
    labels = classify("Поезд из провинции Цзянси пересечёт Хоргос в Синьцзяне и через 12 дней "
                      "прибудет в Ташкент.")
    assert pair_keys(labels) == {("Jiangxi", "UZ")}


def test_a_railway_bureau_is_an_operator_not_railway_building() -> None:
    labels = classify("По данным Ланьчжоуского управления железных дорог, грузовой поезд из Ганьсу "
                      "прибудет в Алматы через семь дней.")
    assert pair_keys(labels) == {("Gansu", "KZ")}
    assert labels.sectors == ["logistics"]


def test_oilseeds_and_highways_name_their_sectors() -> None:
    labels = classify("Туркестанская область и компания Jinxin (Xi'an) Seed Technology создадут парк "
                      "масличных культур, а также построят автотрассу Шардара — Арыс.")
    assert {"agriculture", "logistics"} <= set(labels.sectors)


def test_a_metro_is_railways() -> None:
    labels = classify("Компания из провинции Хэнань вложится в строительство метрополитена в Ташкенте.")
    assert pair_keys(labels) == {("Henan", "UZ")}
    assert labels.sectors == ["railways"]


def test_vehicles_counted_at_a_crossing_are_traffic_not_automotive() -> None:
    labels = classify("Пропускная способность пункта пропуска Благовещенск — Хэйхэ вырастет до 850 "
                      "машин в сутки; сейчас оформляют 250 автомобилей в сутки.")
    assert pair_keys(labels) == {("Heilongjiang", "RU")}
    assert labels.sectors == ["logistics"]


def test_goods_trucks_carry_are_cargo() -> None:
    labels = classify("Через пункт пропуска Кани-Курган — Хэйхэ прошли фуры с автомобильными шинами "
                      "из провинции Хэйлунцзян в Россию.")
    assert "automotive" not in labels.sectors


def test_ceramics_and_clinker_are_building_materials() -> None:
    labels = classify("Компания Hangzhou Nabel построит в Татарстане завод керамики, а другая "
                      "выпустит клинкерные изделия и строительную известь.")
    assert pair_keys(labels) == {("Zhejiang", "RU")}
    assert labels.sectors == ["building-materials"]


def test_a_memorandum_signed_in_harbin_has_harbin_as_venue() -> None:
    labels = classify("Калужская область подписала в Харбине меморандум с компанией SINOMA.")
    assert labels.provinces == ["Heilongjiang"]
    assert labels.pairings == []


def test_russian_words_of_the_less_named_sectors() -> None:
    cases = {
        "Компания из Синьцзяна построит в Казахстане центр обработки данных и сеть 5G.":
            "telecommunications",
        "Компания из Ганьсу построит в Казахстане завод по выплавке меди и цинка.":
            "nonferrous-metals",
        "Компания из Синьцзяна построит в Таджикистане водохранилище и системы мелиорации.":
            "water-resources",
        "Компания из Цзянсу построит в Узбекистане ветропарк и солнечные панели.":
            "electric-power",
    }
    for text, sector in cases.items():
        assert sector in classify(text).sectors, text


def test_goods_a_train_carries_are_cargo() -> None:
    labels = classify("Первый поезд со стальными рулонами отправился из провинции Цзянси в Ташкент.")
    assert labels.sectors == ["logistics"]


def test_the_plant_described_in_the_next_sentence_gives_the_links_sectors() -> None:
    labels = classify("Компания из провинции Хэнань подписала соглашение с Узбекистаном. Завод будет "
                      "выпускать цемент и кирпич.")
    assert pair_keys(labels) == {("Henan", "UZ")}
    assert labels.pairings[0].sectors == ["building-materials"]


def test_soy_processing_is_agriculture() -> None:
    labels = classify("Амурская область и народное правительство города Хэйхэ подписали протокол. "
                      "Стороны намерены построить завод по переработке сои.")
    assert pair_keys(labels) == {("Heilongjiang", "RU")}
    assert labels.pairings[0].sectors == ["agriculture"]
