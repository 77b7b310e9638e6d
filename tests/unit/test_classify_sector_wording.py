"""Sector words a reader counts or not, in the wording real reports use.

A passing mention late in a story, a train named by its load, a railway named as the
route of a freight service, a ministry's remit and a company's name make no sector; the
name of a dam or an expressway is the project itself. Each passage is written for its
test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify


def test_a_passing_mention_late_in_a_story_makes_no_sector() -> None:
    text = ("A textile group from Henan has opened a spinning mill in Uzbekistan's Fergana "
            "region. The mill will turn local cotton into yarn for export to Europe. "
            "Until electricity from the grid arrives, diesel generators keep the looms "
            "going, the manager said. "
            "About 1,200 people work there.")
    assert classify(text).sectors == ["textiles"]


def test_a_late_sentence_that_states_cooperation_still_counts() -> None:
    text = ("A textile group from Henan has opened a spinning mill in Uzbekistan's Fergana "
            "region. The mill will turn local cotton into yarn for export to Europe. "
            "The group also signed an agreement with the regional government to build a "
            "solar power plant next to the mill. About 1,200 people work there.")
    assert classify(text).sectors == ["electric-power", "textiles"]


def test_a_short_report_keeps_its_one_sector_word() -> None:
    # Two sentences: each one is the story, none is a passing mention.
    text = ("Kazakhstan and Uzbekistan signed an accord on Monday. "
            "It covers a new gas pipeline between the two countries.")
    assert classify(text).sectors == ["energy"]


def test_a_train_named_by_its_load_is_logistics_only() -> None:
    labels = classify("A vehicle train left Changchun for Moscow on Tuesday, the first "
                      "China-Europe freight train of the year from Jilin.")
    assert labels.sectors == ["logistics"]
    zh = classify("一列汽车零部件专列从长春出发开往莫斯科,这是吉林今年首趟中欧班列。")
    assert zh.sectors == ["logistics"]


def test_a_railway_named_as_the_route_of_a_freight_service_is_not_railways() -> None:
    labels = classify("Freight trains via the China-Laos Railway carried more than 300,000 "
                      "tonnes of Lao cassava to Kunming this year, Yunnan officials said.")
    assert labels.sectors == ["logistics"]
    zh = classify("中老铁路国际货物列车今年从万象运回木薯粉30万吨,云南物流企业表示货运需求旺盛。")
    assert zh.sectors == ["logistics"]


def test_building_a_line_is_still_railways() -> None:
    labels = classify("A Hunan contractor will build a 300-km railway in Laos, the company said.")
    assert "railways" in labels.sectors


def test_a_chinese_ministry_names_its_remit_not_a_sector() -> None:
    text = ("中国电建与老挝签署输变电线路建设协议。老挝能源和矿产部副部长出席仪式。"
            "线路建成后将连接北部电网。")
    assert classify(text).sectors == ["electric-power"]


def test_the_name_of_a_dam_or_an_expressway_is_the_project() -> None:
    labels = classify("A Fujian contractor handed over the Kibo Expressway to Tanzania "
                      "on Friday, three months early.")
    assert labels.sectors == ["logistics"]


def test_a_facility_word_followed_by_a_company_word_is_a_company_name() -> None:
    labels = classify("Workers of China Railway Construction Group opened a hospital in "
                      "Kenya on Friday. The contractor also donated school books.")
    assert "railways" not in labels.sectors


def test_a_refinery_is_energy_and_mineral_fertiliser_is_chemicals() -> None:
    assert classify("A Xinjiang company will expand an oil refinery in Kazakhstan.").sectors \
        == ["energy"]
    assert classify("A Yunnan firm will build a mineral fertilizer plant in Laos.").sectors \
        == ["chemicals"]


def test_chinese_wording_of_power_grids_and_water_works_is_read() -> None:
    assert classify("湖北企业承建乌兹别克斯坦输变电项目。").sectors == ["electric-power"]
    assert classify("湖北企业与阿曼签署水务项目合同。").sectors == ["water-resources"]


def test_chinese_history_of_the_last_century_makes_no_sector() -> None:
    text = ("江西企业在柬埔寨建设的光伏电站并网发电。上世纪90年代,当地曾有一家纺织厂。"
            "电站年发电量约8000万千瓦时。")
    assert classify(text).sectors == ["electric-power"]


def test_a_late_sentence_about_joint_projects_counts_without_a_pairing_cue() -> None:
    text = ("Uzbekistan's deputy foreign minister met a vice governor of Hunan province on "
            "Tuesday. They reviewed trade and tourism between the two sides. "
            "Both were interested in joint projects in car manufacturing. "
            "A forum is planned for next year.")
    assert "automotive" in classify(text).sectors


def test_a_plants_own_power_station_and_port_make_no_sector() -> None:
    text = ("A Shandong aluminium group has started an alumina refinery in West Kalimantan, "
            "Indonesia. The plant, which has its own power plant and seaport, turns local "
            "bauxite into alumina. It employs 3,000 people.")
    assert classify(text).sectors == ["nonferrous-metals"]
    zh = classify("安徽企业在俄罗斯建设水泥熟料生产线,配套建设燃气电站,年产水泥200万吨。")
    assert zh.sectors == ["building-materials"]


def test_a_sector_word_in_a_chinese_group_name_is_no_sector() -> None:
    text = ("广西企业在南宁签约越南光伏电站项目。越南农业投资集团也在南宁洽谈投资。"
            "项目年发电量约1亿千瓦时。")
    assert classify(text).sectors == ["electric-power"]


def test_a_railway_named_as_a_freight_route_makes_the_link_logistics() -> None:
    for text in ["Yunnan opened a new cargo service to Vientiane via the China-Laos Railway "
                 "on Monday.",
                 "货物经中老铁路从昆明运往老挝万象。"]:
        labels = classify(text)
        assert [(p.province, p.country, p.sectors) for p in labels.pairings] == [
            ("Yunnan", "LA", ["logistics"])], text


def test_goods_a_country_sells_or_buys_are_trade_not_their_sectors() -> None:
    text = ("A Yunnan trade delegation opened a fair in Vientiane on Monday. "
            "Laos sells sweet corn, rubber and coffee to Yunnan and buys fruit and "
            "fertilizer from it. The fair runs for five days.")
    labels = classify(text)
    assert not {"agriculture", "chemicals"} & set(labels.sectors)


def test_nuclear_energy_is_power_and_a_gas_deal_is_energy() -> None:
    assert classify("Kazakhstan and China signed an agreement on nuclear energy.").sectors \
        == ["electric-power"]
    assert classify("URUMQI (Xinhua) -- Kazakhstan signed a gas deal with Russia.").sectors \
        == ["energy"]


def test_an_officials_remit_after_director_general_for_is_no_sector() -> None:
    text = ("A Shanghai steelmaker will build a stainless steel works in Indonesia, said the "
            "ministry's director general for metals, machinery and transport equipment.")
    assert classify(text).sectors == ["steel"]


def test_chinese_exhibits_and_stainless_steel_smelting_are_read_as_a_reader_would() -> None:
    text = ("福建企业在厦门投洽会上展出无人驾驶物流配送车。该集团参与投资的印尼不锈钢冶炼一体化项目"
            "已经投产。项目年产不锈钢250万吨。")
    assert classify(text).sectors == ["steel"]


def test_a_late_sentence_on_what_a_company_exported_abroad_counts() -> None:
    text = ("Changsha County in Hunan signed 14 contracts with African partners at the expo. "
            "The county also hosted a business forum. Sany Group, based in the county, has "
            "exported excavators to Morocco since 2002. The expo closed on Sunday.")
    assert "construction-machinery" in classify(text).sectors


def test_metro_and_subway_cars_are_rolling_stock_not_cars() -> None:
    text = ("A rail vehicle maker from Changchun will supply 40 metro cars to Mashhad, "
            "Iran, and build subway trains with a partner in Tehran.")
    assert classify(text).sectors == ["railways"]


def test_buses_and_light_trucks_are_vehicles() -> None:
    for text in ["An Anhui company handed 120 double-decker buses to Santiago, Chile.",
                 "A Zhengzhou company shipped 300 light-duty trucks to Uzbekistan."]:
        assert classify(text).sectors == ["automotive"], text


def test_energy_storage_is_power_not_fuel() -> None:
    text = "A Shanghai company signed a contract for a 200-MWh energy storage project in Dubai."
    assert classify(text).sectors == ["electric-power"]


def test_machinery_alone_is_no_construction_machinery() -> None:
    text = ("Exhibitors from Laos, Vietnam and Cambodia showed machinery, textiles and "
            "chemicals at the fair in Nanning.")
    assert "construction-machinery" not in classify(text).sectors


def test_rubber_farming_is_agriculture_not_chemicals() -> None:
    text = ("Yunnan and Laos signed deals on rubber farming, hydropower and logistics in "
            "Luang Namtha.")
    assert classify(text).sectors == ["agriculture", "electric-power", "logistics"]


def test_dyeing_works_and_shoemakers_are_light_industry() -> None:
    assert classify("A Zhejiang dyeing company broke ground on a factory in Egypt's "
                    "Suez Canal zone.").sectors == ["textiles"]
    assert classify("A shoemaker from Dongguan has run a factory in Ethiopia for five "
                    "years.").sectors == ["textiles"]


def test_a_body_named_by_its_remit_is_no_sector() -> None:
    text = ("Punjab's minerals secretary and the chairman of a Yantai company signed a deal "
            "to build a cement plant in the Salt Range.")
    assert classify(text).sectors == ["building-materials"]
    text = ("Zhou Li, a vice chairman of China's chamber of commerce for metals, minerals and "
            "chemicals, said Fujian companies would build a nickel smelter in Sulawesi.")
    assert classify(text).sectors == ["nonferrous-metals"]


def test_a_vehicle_carrying_goods_is_transport_not_its_industry() -> None:
    text = ("Heavy trucks loaded with Mongolian coal queue at Ganqimaodu. The border port in "
            "Inner Mongolia handles 2,000 of them a day.")
    assert classify(text).sectors == ["logistics"]


def test_a_places_own_industries_are_not_the_cooperation() -> None:
    text = ("The governor of Bavaria visited Shandong and signed a memorandum on cooperation "
            "in agriculture. Bavaria's pillar industries include cars, machinery and "
            "chemicals.")
    assert classify(text).sectors == ["agriculture"]


def test_an_unrelated_news_item_makes_no_sector() -> None:
    text = ("A Henan company opened a tyre plant in Morocco on Monday. In other news, Shell "
            "agreed to sell oil and gas assets in Nigeria.")
    assert classify(text).sectors == ["automotive"]


def test_a_port_named_by_its_name_is_the_port_itself() -> None:
    for text in ["Heilongjiang and Russia's Amur region agreed to expand the port of "
                 "Blagoveshchensk.",
                 "Trade through Khorgas Port with Kazakhstan rose 9 percent, Xinjiang "
                 "customs said."]:
        assert classify(text).sectors == ["logistics"], text
    assert classify("Shanghai Port FC signed a striker from Brazil.").sectors == []


def test_goods_a_fair_shows_are_exhibits_not_sectors() -> None:
    text = ("Companies from Laos, Thailand and Cambodia are showing cars, building "
            "materials, chemicals and textiles at the expo in Nanning.")
    assert classify(text).sectors == []


def test_a_late_sentence_on_what_a_company_plans_states_activity() -> None:
    text = ("A Hunan group opened a copper smelter in Zambia last year. It employs 900 "
            "people. The group also plans a solar farm beside the smelter. Output rose "
            "8 percent.")
    assert "electric-power" in classify(text).sectors


def test_overland_transport_is_logistics() -> None:
    text = ("Agriculture and overland transport remain the focus of trade across the "
            "region, officials in Urumqi said.")
    assert classify(text).sectors == ["agriculture", "logistics"]


def test_industries_cut_back_at_home_are_not_the_activity() -> None:
    text = ("A Hunan cement group has built 30 cement lines abroad as China cuts "
            "overcapacity in coal, cement and steel.")
    assert classify(text).sectors == ["building-materials"]


def test_tyre_cord_and_cord_fabric_are_tyre_parts() -> None:
    text = "Guangrao county in Shandong makes tyres, steel cord and cord fabric."
    assert classify(text).sectors == ["automotive"]


def test_background_after_a_comma_leaves_the_news_before_it() -> None:
    text = ("Work began on Wednesday on a new cross-border railway from Inner Mongolia to "
            "Mongolia, the second after a line opened in 1956.")
    assert "railways" in classify(text).sectors


def test_a_dam_alone_is_water_not_power() -> None:
    text = ("A Jiangxi contractor handed the Corumana Dam to Mozambique. The dam's reservoir "
            "holds water for Maputo, and smaller dams feed farms along the river.")
    assert "electric-power" not in classify(text).sectors


def test_steel_radial_tyres_are_tyres_not_steel() -> None:
    text = ("A Shandong plant will make 1.2 million all-steel radial tyres and 6 million "
            "semi-steel radial tyres a year.")
    assert classify(text).sectors == ["automotive"]


def test_cold_storage_for_apples_is_farm_logistics() -> None:
    text = ("A Shaanxi fruit company will build cold storage for apples in Almaty to ease "
            "its sales across Central Asia.")
    assert classify(text).sectors == ["agriculture", "logistics"]


def test_coal_named_as_a_power_plants_fuel_is_power() -> None:
    for text in ["A Harbin company will build a 350 MW coal power plant near Karachi.",
                 "A Hong Kong firm and Bangladesh will build a coal-based power plant on "
                 "Moheshkhali island.",
                 "A Chinese consortium is building a plant with clean coal technology at "
                 "Payra, Bangladesh."]:
        assert "energy" not in classify(text).sectors, text


def test_gold_deposits_and_mineral_exploration_are_mining() -> None:
    for text in ["Surkhandarya region signed agreements with a Chinese group on developing "
                 "gold deposits.",
                 "The delegation discussed a technopark and mineral exploration in Uzbekistan."]:
        assert "mining" in classify(text).sectors, text


def test_where_a_plant_stands_is_no_sector() -> None:
    text = ("A Chinese consortium is building a 1,320 MW power plant at Payra, Bangladesh, "
            "near a seaport.")
    assert classify(text).sectors == ["electric-power"]


def test_a_late_sentence_on_orders_in_production_states_activity() -> None:
    text = ("A Changchun rail maker is delivering metro trains to Melbourne this week. It "
            "employs 9,000 people. Also in production are double-decker buses for Sydney. "
            "Exports rose 8 percent.")
    assert "automotive" in classify(text).sectors


def test_a_plants_auxiliary_power_station_is_no_sector() -> None:
    text = ("A nickel group from Gansu has started building a smelter in Indonesia. "
            "The works will have an auxiliary power plant and process 1.5 million tonnes "
            "of ore a year. Output will go to battery makers in Asia.")
    assert "electric-power" not in classify(text).sectors


def test_what_a_deal_comes_as_is_background() -> None:
    text = ("A Hubei builder signed an agreement on Friday to build a hydropower station "
            "in southern Laos. The 40 MW station will sell its electricity to the state "
            "utility. The agreement comes as the two countries push ahead with the "
            "China-Laos railway.")
    assert classify(text).sectors == ["electric-power"]


def test_a_dairy_production_base_abroad_is_agriculture() -> None:
    text = ("A dairy group from Inner Mongolia has opened a dairy production base in "
            "New Zealand's Waikato region.")
    assert "agriculture" in classify(text).sectors


def test_solar_module_and_cell_factories_are_power() -> None:
    text = ("A Chinese solar module maker began building a wafer factory in Vietnam to "
            "supply its solar cell plants in Malaysia.")
    assert classify(text).sectors == ["electric-power"]


def test_a_numbered_unit_of_china_railway_names_a_company() -> None:
    text = ("China Railway 20th Bureau Group said its water supply project in Angola's "
            "Cabinda province had passed final inspection. The system delivers 50,000 "
            "cubic metres of drinking water a day.")
    assert classify(text).sectors == ["water-resources"]


def test_transport_and_communications_in_a_list_of_fields() -> None:
    text = ("The governor of Shaanxi and Turkmenistan's foreign minister discussed "
            "cooperation in the energy sector, transport, communications, high technology "
            "and agriculture.")
    assert classify(text).sectors == ["agriculture", "energy", "logistics", "telecommunications"]


def test_hydrogen_fuel_cell_vehicles_are_no_fuel() -> None:
    text = ("Guangdong will speed up research on hybrid systems and hydrogen fuel cell "
            "vehicles. Guangzhou and Shenzhen are its key cities for new energy and "
            "connected vehicles.")
    assert classify(text).sectors == ["automotive"]


def test_a_port_city_named_as_a_place_is_no_logistics() -> None:
    text = ("Punjab's chief minister returned from the forum in the port city of Tianjin "
            "with agreements on a coal-fired power plant.")
    assert classify(text).sectors == ["electric-power"]


def test_a_chinese_freight_service_named_by_its_two_ends_is_logistics() -> None:
    text = "中老铁路昆明至万象国际货运列车今日开行,满载蔬菜和电子产品。"
    assert classify(text).sectors == ["logistics"]


def test_a_body_whose_remit_runs_on_past_the_sector_word_makes_no_sector() -> None:
    # 农业农村厅 is the department of agriculture and rural affairs: a title, no farming.
    text = ("贵州省农业农村厅和文化和旅游厅负责人会见柬埔寨旅游部代表团,"
            "双方商定互办旅游推介会,扩大两地游客往来。")
    assert "agriculture" not in classify(text).sectors


def test_a_railway_all_built_is_no_body() -> None:
    # Only known links may stand between a remit and a body's suffix: 全部 is no ministry.
    text = "广西企业参与承建的越南河内轻轨铁路全部建成,将于年内开通运营。"
    assert "railways" in classify(text).sectors


def test_an_institute_named_for_water_works_builds_no_water_project() -> None:
    text = ("四川水利水电勘测设计研究院在尼泊尔承建的一座水电站日前建成发电,"
            "可满足周边数万居民的用电需求。")
    assert classify(text).sectors == ["electric-power"]


def test_a_national_road_built_abroad_is_logistics() -> None:
    text = ("湖南路桥企业承建的肯尼亚一条国家公路日前通车,"
            "全长约120公里,连接内罗毕与北部多个城镇。")
    assert classify(text).sectors == ["logistics"]


def test_a_road_built_for_a_plant_is_a_passing_word() -> None:
    # One road in a factory story does not make it a logistics story.
    text = ("浙江一家电池企业在匈牙利德布勒森建设动力电池工厂,总投资约70亿元。"
            "工厂将为欧洲多家车企供应新能源汽车电池。"
            "市长表示,市里将修建一条专用公路接入厂区。"
            "首条生产线预计明年投产。")
    assert classify(text).sectors == ["automotive"]


def test_a_plants_raw_material_makes_no_sector_of_its_own() -> None:
    # The complex turns gas into plastics: a chemicals story, not an oil-and-gas one.
    text = ("江苏一家化工企业在乌兹别克斯坦卡什卡达里亚州投资建设的聚烯烃项目开工,"
            "项目以天然气为原料,建成后每年可生产聚乙烯50万吨。")
    assert classify(text).sectors == ["chemicals"]


def test_a_gas_chemical_complex_is_chemicals() -> None:
    text = "山东企业承建的俄罗斯一座天然气化工综合体完成主体施工,将生产聚丙烯和聚乙烯。"
    assert classify(text).sectors == ["chemicals"]


def test_a_cross_border_bridge_is_logistics() -> None:
    text = "黑龙江黑河至俄罗斯布拉戈维申斯克的界河大桥正式通车,两岸货车往来时间大为缩短。"
    assert "logistics" in classify(text).sectors


def test_a_groups_short_name_makes_no_sector() -> None:
    # 中国建材 is China National Building Material; here it builds a wind farm.
    text = ("中国建材所属、总部位于安徽合肥的一家工程公司承建的南非北开普省150兆瓦风电场并网,"
            "中国建材副总经理出席并网仪式。")
    assert classify(text).sectors == ["electric-power"]


def test_the_industry_named_like_a_group_still_counts() -> None:
    text = "山东与埃及签署协议,推动中国建材产业与埃及开展合作,在苏伊士建设水泥和玻璃生产线。"
    assert "building-materials" in classify(text).sectors


def test_goods_traded_make_no_sector() -> None:
    text = "江苏对俄汽车出口增长。前三季度江苏对俄罗斯进出口总额达到320亿元。"
    assert classify(text).sectors == []


def test_the_short_word_for_nonferrous_metals_counts_in_a_list() -> None:
    text = "湖南省与哈萨克斯坦商定在钢铁、有色、建材等领域开展产能合作。"
    assert classify(text).sectors == ["building-materials", "nonferrous-metals", "steel"]


def test_a_water_main_is_water_works() -> None:
    text = ("湖北企业承建的埃塞俄比亚德雷达瓦输水工程竣工,"
            "将为城区40万居民提供安全饮用水。")
    assert classify(text).sectors == ["water-resources"]


def test_a_border_port_named_as_a_landmark_late_in_a_story_makes_no_sector() -> None:
    # 口岸 is a cue word itself: it cannot show that its own sentence states cooperation.
    text = ("新疆塔城企业在哈萨克斯坦东哈州投资的肉牛养殖项目签约。"
            "项目建成后每年可出栏肉牛2万头,并带动当地饲料种植。"
            "双方还将合作建设屠宰加工厂。"
            "塔城距巴克图口岸12公里。")
    assert classify(text).sectors == ["agriculture"]


def test_where_a_smelters_ore_comes_from_makes_no_mining_story() -> None:
    text = ("云南一家企业在老挝投资建设的锌冶炼厂投产,年产锌锭5万吨,"
            "原料来自当地一座锌矿。")
    assert classify(text).sectors == ["nonferrous-metals"]
