# ruff: noqa: E501
"""Demo data for ``manage.py seed_demo``: logins, authors, companies, articles.

This module owns the content only, as plain Python data; the command in
articles/management/commands/seed_demo.py owns putting it in the database.

Every article here is fictional demo copy written for this project. The
companies and their tickers are real listings, but the events, figures and
tables in the articles are invented (tables say so in their captions) and no
article quotes a real person.

Demo passwords: ``DEMO_PASSWORDS`` below are used only when DEBUG is on. With
DEBUG off the command generates a random password for each login it creates
and prints it once.

Stable keys, used to find what a previous run already created:
users by ``username``, authors by ``slug``, companies by ``slug`` (or any of
their tickers), articles by ``headline``.
"""

from django.utils.html import escape

from .roles import EDITORS, WRITERS

# --- Logins ------------------------------------------------------------------

DEMO_PASSWORDS = {
    "admin": "newsroom-demo-admin",
    "editor": "newsroom-demo-editor",
    "writer": "newsroom-demo-writer",
}

# role: a group name from articles.roles, or None for the superuser.
# author: the slug of the Author profile this login signs its bylines with.
USERS = [
    {
        "username": "admin",
        "role": None,
        "superuser": True,
        "email": "admin@example.com",
        "first_name": "",
        "last_name": "",
        "author": None,
    },
    {
        "username": "editor",
        "role": EDITORS,
        "superuser": False,
        "email": "editor@example.com",
        "first_name": "慧琳",
        "last_name": "周",
        "author": "chow-wai-lam",
    },
    {
        "username": "writer",
        "role": WRITERS,
        "superuser": False,
        "email": "writer@example.com",
        "first_name": "子軒",
        "last_name": "林",
        "author": "lam-tsz-hin",
    },
]

# --- Authors -----------------------------------------------------------------

AUTHORS = [
    {
        "slug": "chow-wai-lam",
        "name": "周慧琳",
        "bio": "財經版主編，曾派駐北京採訪多年，現負責統籌每日港股及A股報道。",
    },
    {
        "slug": "lam-tsz-hin",
        "name": "林子軒",
        "bio": "科技及汽車記者，主要跟進電動車、人工智能和半導體行業的發展。",
    },
    {
        "slug": "chan-ka-yan",
        "name": "陳嘉欣",
        "bio": "醫藥及消費行業記者，長期關注內地藥企研發、集中採購政策和零售市道。",
    },
    {
        "slug": "wong-chi-ming",
        "name": "黃志明",
        "bio": "負責地產、銀行及保險報道，對內房企業的債務重組有多年觀察。",
    },
    {
        "slug": "ho-sze-wing",
        "name": "何思穎",
        "bio": "新能源記者，報道範圍包括光伏、動力電池及儲能產業鏈。",
    },
]

# --- Companies ---------------------------------------------------------------

# name_hans is left out: every name below converts to Simplified plainly.
COMPANIES = [
    {
        "slug": "oneconnect",
        "name": "金融壹賬通",
        "name_en": "OneConnect Financial Technology",
        "aliases": ["壹賬通", "OneConnect"],
        "tickers": ["OCFT.US", "6638.HK"],
        "description": "由中國平安孵化的金融科技公司，向銀行和保險機構提供數碼化系統與服務。",
    },
    {
        "slug": "leapmotor",
        "name": "零跑汽車",
        "name_en": "Leapmotor Technology",
        "aliases": ["零跑", "Leapmotor"],
        "tickers": ["9863.HK"],
        "description": "總部設於杭州的電動車製造商，以定價親民的純電及增程式車型為主。",
    },
    {
        "slug": "hengrui",
        "name": "恒瑞醫藥",
        "name_en": "Jiangsu Hengrui Pharmaceuticals",
        "aliases": ["恆瑞醫藥", "恒瑞", "Hengrui"],
        "tickers": ["1276.HK", "600276.SH"],
        "description": "江蘇連雲港的製藥企業，由仿製藥起家，近年以腫瘤等領域的創新藥為重心。",
    },
    {
        "slug": "vanke",
        "name": "萬科企業",
        "name_en": "China Vanke",
        "aliases": ["萬科", "Vanke"],
        "tickers": ["2202.HK", "000002.SZ"],
        "description": "深圳的住宅發展商，曾長期位列內地銷售額最高的房企之一。",
    },
    {
        "slug": "longi",
        "name": "隆基綠能",
        "name_en": "LONGi Green Energy Technology",
        "aliases": ["隆基", "LONGi"],
        "tickers": ["601012.SH"],
        "description": "西安的太陽能企業，業務覆蓋單晶硅片、電池片及組件。",
    },
    {
        "slug": "jinko-solar",
        "name": "晶科能源",
        "name_en": "Jinko Solar",
        "aliases": ["晶科"],
        "tickers": ["688223.SH"],
        "description": "在上海科創板上市的光伏組件製造商，是晶科能源控股旗下的主要營運公司。",
    },
    {
        # The New York-listed parent of the Shanghai-listed operating company:
        # a separate issuer, so a separate company here.
        "slug": "jinkosolar-holding",
        "name": "晶科能源控股",
        "name_en": "JinkoSolar Holding",
        "aliases": ["JinkoSolar"],
        "tickers": ["JKS.US"],
        "description": "在紐約上市的控股公司，持有上海上市的晶科能源的多數股權。",
    },
    {
        "slug": "microport",
        "name": "微創醫療",
        "name_en": "MicroPort Scientific",
        "aliases": ["微創醫療科學", "MicroPort"],
        "tickers": ["0853.HK"],
        "description": "上海的醫療器械集團，產品包括心血管介入器材、骨科植入物和手術機械人。",
    },
    {
        "slug": "zhipu",
        "name": "智譜",
        "name_en": "Zhipu AI",
        "aliases": ["智譜AI", "Zhipu", "Z.ai"],
        "tickers": ["2513.HK"],
        "description": "源自清華大學研究團隊的大模型公司，開發GLM系列語言模型。",
    },
    {
        "slug": "minimax",
        "name": "MiniMax",
        "name_en": "MiniMax",
        "aliases": ["稀宇科技"],
        "tickers": ["0100.HK"],
        "description": "上海的人工智能公司，開發語言及視頻生成模型，並經營面向海外用戶的應用程式。",
    },
    {
        "slug": "tencent",
        "name": "騰訊控股",
        "name_en": "Tencent Holdings",
        "aliases": ["騰訊", "Tencent"],
        "tickers": ["0700.HK"],
        "description": "經營微信、網絡遊戲、廣告及金融科技業務的互聯網集團。",
    },
    {
        "slug": "alibaba",
        "name": "阿里巴巴集團",
        "name_en": "Alibaba Group Holding",
        "aliases": ["阿里巴巴", "阿里", "Alibaba"],
        "tickers": ["9988.HK", "BABA.US"],
        "description": "以淘寶、天貓電商平台和阿里雲為核心業務的科技集團。",
    },
    {
        "slug": "meituan",
        "name": "美團",
        "name_en": "Meituan",
        "aliases": [],
        "tickers": ["3690.HK"],
        "description": "以外賣配送起家的本地生活服務平台，亦經營到店消費、酒店及旅遊業務。",
    },
    {
        "slug": "byd",
        "name": "比亞迪",
        "name_en": "BYD Company",
        "aliases": ["BYD"],
        "tickers": ["1211.HK", "002594.SZ"],
        "description": "深圳的新能源車及電池製造商，同時為手機品牌代工零部件。",
    },
    {
        "slug": "catl",
        "name": "寧德時代",
        "name_en": "Contemporary Amperex Technology",
        "aliases": ["寧德時代新能源", "CATL"],
        "tickers": ["300750.SZ", "3750.HK"],
        "description": "福建寧德的動力電池及儲能電池製造商，電池裝機量多年居全球首位。",
    },
    {
        "slug": "xiaomi",
        "name": "小米集團",
        "name_en": "Xiaomi Corporation",
        "aliases": ["小米", "Xiaomi"],
        "tickers": ["1810.HK"],
        "description": "智能手機及智能家居產品製造商，近年進軍電動車市場。",
    },
    {
        "slug": "kweichow-moutai",
        "name": "貴州茅台",
        "name_en": "Kweichow Moutai",
        "aliases": ["茅台", "貴州茅臺", "Moutai"],
        "tickers": ["600519.SH"],
        "description": "貴州仁懷的白酒企業，旗艦產品為飛天茅台。",
    },
    {
        "slug": "ping-an",
        "name": "中國平安",
        "name_en": "Ping An Insurance (Group) Company of China",
        "aliases": ["平安", "平安保險", "Ping An"],
        "tickers": ["2318.HK", "601318.SH"],
        "description": "業務涵蓋壽險、財險、銀行及資產管理的綜合金融集團。",
    },
    {
        "slug": "nio",
        "name": "蔚來",
        "name_en": "NIO",
        "aliases": ["蔚來汽車"],
        "tickers": ["NIO.US", "9866.HK"],
        "description": "上海的高端電動車品牌，以車主可即時更換電池的換電服務為特色。",
    },
    {
        "slug": "xpeng",
        "name": "小鵬汽車",
        "name_en": "XPeng",
        "aliases": ["小鵬", "XPeng"],
        "tickers": ["XPEV.US", "9868.HK"],
        "description": "廣州的電動車製造商，重點發展自研智能駕駛系統。",
    },
    {
        "slug": "li-auto",
        "name": "理想汽車",
        "name_en": "Li Auto",
        "aliases": [],
        "tickers": ["LI.US", "2015.HK"],
        "description": "北京的電動車製造商，憑增程式家庭SUV打開市場。",
    },
    {
        "slug": "smic",
        "name": "中芯國際",
        "name_en": "Semiconductor Manufacturing International Corporation",
        "aliases": ["中芯", "SMIC"],
        "tickers": ["0981.HK", "688981.SH"],
        "description": "中國內地規模最大的晶圓代工企業。",
    },
]

# --- Articles ----------------------------------------------------------------
#
# state: "published" (live), "scheduled" (published, publish time ~3 hours
# ahead), "review", "draft", "sent_back" (submitted, then sent back: a draft
# again, with the editor's note), or "unpublished" (published, then pulled).
# when: (business days ago, "HH:MM" Hong Kong time) for published and
# unpublished articles.
# created_by: the username that writes the draft. Writers submit their own
# copy for review; the editor publishes.
# body: a list of blocks, turned into HTML by body_html(): a string is a
# paragraph, ("h2", text) a subhead, and a dict a table of figures.

ARTICLES = [
    {
        "kind": "brief",
        "headline": "零跑汽車上月交付量按年增逾五成",
        "body": [
            "零跑汽車（9863.HK）公布，上月交付新車超過五萬輛，按年增長逾五成，單月交付量連續多個月刷新紀錄。公司指，增長主要來自價格較親民的新系列車型。",
            "公司公告又指，經合作夥伴渠道銷往歐洲及中東的車輛正逐步增加，但海外交付佔整體比例仍然偏低。",
            "零跑汽車股價早段一度上升，其後升幅收窄。",
        ],
        "companies": ["leapmotor"],
        "tags": ["電動車", "港股"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (1, "09:35"),
    },
    {
        "kind": "feature",
        "headline": "比亞迪國內價格戰降溫 轉攻海外市場",
        "title_en": "BYD looks abroad as the price war at home cools",
        "dek": "國內銷量增長放慢，中國最大的新能源車製造商正把更多產能和資源投向東南亞、歐洲和拉丁美洲。",
        "key_points": [
            "海外銷量佔比持續上升，成為抵銷國內增長放緩的主要力量",
            "匈牙利、土耳其和巴西的工廠陸續投產，以減低關稅風險",
            "分析師關注海外擴張會否拖累短期利潤率",
        ],
        "body": [
            "比亞迪（1211.HK; 002594.SZ）過去兩年靠減價在國內搶佔市場，但隨着監管部門表態遏止「內捲式」競爭，這場價格戰正逐漸降溫，公司的增長重心亦隨之移向海外。",
            "根據公司每月公布的產銷快報，海外銷量在總銷量中的比例已較一年前明顯提高。管理層在業績會上表示，海外市場將是未來幾年的主要增長來源。",
            ("h2", "本地生產避開關稅"),
            "歐盟對中國製電動車加徵反補貼稅後，比亞迪加快在當地設廠的步伐。位於匈牙利的乘用車廠預計率先投產，土耳其和巴西的項目亦在推進中。",
            "業界普遍認為，在目標市場本地生產，既可減輕關稅負擔，也有助爭取當地政府和消費者的支持。不過，新廠初期產量有限，單位成本較高，短期內或會壓低毛利率。",
            ("h2", "海外佔比一年升六個百分點"),
            {
                "caption": "比亞迪季度新能源車銷量（示範數據，單位：萬輛）",
                "head": ["季度", "總銷量", "海外銷量", "海外佔比"],
                "rows": [
                    ["第一季", "98.6", "19.2", "19.5%"],
                    ["第二季", "112.3", "23.7", "21.1%"],
                    ["第三季", "108.9", "26.4", "24.2%"],
                    ["第四季", "121.5", "31.0", "25.5%"],
                ],
            },
            "以上數據顯示，海外銷量的佔比在四個季度內上升了約六個百分點，而總銷量的升幅則溫和得多。",
            ("h2", "市場看法"),
            "有券商報告指，若海外業務能維持目前的增長速度，足以抵銷國內需求放緩的影響；但也有分析師提醒，各地貿易政策變化難以預測，比亞迪需要在不同市場之間分散風險。",
        ],
        "companies": ["byd"],
        "tags": ["電動車", "業績"],
        "authors": ["chow-wai-lam", "lam-tsz-hin"],
        "created_by": "editor",
        "state": "published",
        "when": (3, "11:20"),
    },
    {
        "kind": "brief",
        "headline": "騰訊連續第十個交易日回購股份",
        "body": [
            "騰訊控股（0700.HK）昨日再次在市場回購股份。按交易所披露資料，這已是公司連續第十個交易日進行回購。",
            "騰訊早前表示，全年回購金額不會少於上一年度。市場人士認為，持續回購有助在大市波動時支持股價。",
            "騰訊股價昨日收市微升，成交金額較前一日略為減少。",
        ],
        "companies": ["tencent"],
        "tags": ["回購", "港股"],
        "authors": ["chow-wai-lam"],
        "created_by": "editor",
        "state": "published",
        "when": (1, "17:45"),
    },
    {
        "kind": "feature",
        "headline": "寧德時代逆市增利 電池降價未損護城河",
        "title_en": "CATL keeps its margins as battery prices slide",
        "dek": "鋰價低位徘徊，電池售價隨之下調，但全球最大的動力電池製造商盈利能力依然穩定。",
        "key_points": [
            "收入增長放緩，但毛利率維持在兩成半左右",
            "儲能電池成為增長最快的業務",
            "香港上市集資主要用於歐洲擴產",
        ],
        "body": [
            "寧德時代（300750.SZ; 3750.HK）最新季度業績顯示，公司收入增幅雖然放緩，淨利潤卻維持雙位數增長。在電池售價持續下調的環境下，這個表現好過不少市場人士預期。",
            ("h2", "原材料便宜了，售價也低了"),
            "碳酸鋰價格自高位大幅回落後，電池廠紛紛把成本下降的好處讓給車企客戶，減價在所難免。寧德時代憑藉採購規模和生產效率，得以在減價的同時守住利潤率。",
            "公司公告指，期內毛利率較上年同期略有改善，原因包括產品結構優化，以及毛利較高的海外訂單比例上升。",
            ("h2", "季度業績"),
            {
                "caption": "寧德時代季度業績（示範數據，單位：億元人民幣）",
                "head": ["季度", "收入", "淨利潤", "毛利率"],
                "rows": [
                    ["第一季", "847", "140", "24.4%"],
                    ["第二季", "942", "165", "25.0%"],
                    ["第三季", "1,041", "185", "25.8%"],
                    ["第四季", "1,098", "191", "25.3%"],
                ],
            },
            ("h2", "儲能成新引擎"),
            "除了電動車電池，儲能系統的需求亦急速增長。數據中心和可再生能源電站需要大型儲能設施，令這項業務成為公司增長最快的板塊。",
            "寧德時代在香港上市後表示，集資所得主要用於匈牙利工廠的建設。分析師認為，歐洲產能落成後，公司可以更貼近當地車企客戶，也有助應對貿易壁壘。",
        ],
        "companies": ["catl"],
        "tags": ["電池", "電動車", "業績"],
        "authors": ["ho-sze-wing"],
        "created_by": "editor",
        "state": "published",
        "when": (5, "10:30"),
    },
    {
        "kind": "brief",
        "headline": "隆基綠能兩個月內第二次下調硅片報價",
        "body": [
            "隆基綠能（601012.SH）更新硅片報價，多個規格的價格平均下調約4%，是兩個月內第二次減價。",
            "業內人士指，上游多晶硅價格持續疲弱，加上下游組件需求放緩，硅片廠商面對較大的去庫存壓力。",
            "公司表示，會繼續按市場供求情況調整報價。",
        ],
        "companies": ["longi"],
        "tags": ["光伏"],
        "authors": ["ho-sze-wing", "lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (4, "14:10"),
        "correction": {
            "wrong": "本文原稱多個規格的硅片價格平均下調約6%。",
            "right": "平均下調幅度應為約4%，內文已經更正。",
        },
    },
    {
        "kind": "brief",
        "headline": "晶科能源N型組件出貨佔比升至約九成",
        "body": [
            "晶科能源（688223.SH）公布，上季度組件出貨中，N型TOPCon產品的佔比已升至約九成。",
            "公司指，N型產品的轉換效率較高，在海外市場較受歡迎，售價亦略高於傳統P型產品。",
            "晶科能源表示，會逐步淘汰舊產線，把資本開支集中在新一代電池技術上。",
        ],
        "companies": ["jinko-solar"],
        "tags": ["光伏"],
        "authors": ["ho-sze-wing"],
        "created_by": "editor",
        "state": "published",
        "when": (6, "09:50"),
        "source": "示範通訊社（Demo Wire）",
        "source_url": "https://example.com/wire/jinko-n-type",
    },
    {
        "kind": "feature",
        "headline": "光伏業靜待產能出清 龍頭虧損收窄仍需時間",
        "title_en": "Solar makers wait for the shake-out to run its course",
        "dek": "多晶硅、硅片到組件全線供過於求，行業龍頭寄望政策協調和技術升級帶來轉機。",
        "key_points": [
            "產業鏈價格跌至現金成本附近，多家企業連續多季錄得虧損",
            "行業協會和監管部門推動限產，執行力度仍待觀察",
            "龍頭押注新一代電池技術，希望拉開與中小廠商的距離",
        ],
        "body": [
            "中國光伏企業過去兩年大舉擴產，令整條產業鏈嚴重供過於求。從多晶硅到組件，產品價格一度跌穿不少企業的現金成本。",
            "隆基綠能（601012.SH）和晶科能源（688223.SH）等龍頭企業亦未能倖免。兩家公司最近幾份季度報告均錄得虧損，但虧損幅度已較早前收窄。",
            ("h2", "限產能否落實"),
            "行業協會早前召集主要企業商討減產，監管部門亦表態反對以低於成本的價格銷售。市場憧憬這些措施可以加快淘汰落後產能，但也有人擔心，部分中小廠商在地方支持下仍會繼續生產。",
            ("h2", "技術路線之爭"),
            "在價格戰中，技術成為龍頭企業的主要武器。隆基押注背接觸（BC）電池，晶科則專注N型TOPCon，兩者都希望以較高的轉換效率換取溢價。",
            "在美國上市的晶科能源控股（JKS.US）是晶科能源的母公司，其股價走勢與A股附屬公司的業績緊密相連。",
            ("h2", "何時見底"),
            "分析師普遍認為，行業要真正走出低谷，需要等到部分產能退出市場。在此之前，企業的現金流和融資能力，將決定誰能撐到周期回升。",
        ],
        "companies": ["longi", "jinko-solar", "jinkosolar-holding"],
        "tags": ["光伏", "業績"],
        "authors": ["ho-sze-wing"],
        "created_by": "editor",
        "state": "published",
        "when": (8, "11:00"),
    },
    {
        "kind": "brief",
        "headline": "恒瑞醫藥與海外藥企簽訂授權協議",
        "body": [
            "恒瑞醫藥（1276.HK; 600276.SH）公布，已就一款處於臨床階段的候選藥物，與一家海外藥企簽訂授權協議，對方取得該藥物在大中華區以外的開發及商業化權利。",
            "公告指，恒瑞將收取首付款，並可按研發及銷售進度收取里程碑付款和銷售分成。",
            "這是恒瑞近年多宗對外授權交易之一，反映中國創新藥在海外市場的認受性提高。",
        ],
        "companies": ["hengrui"],
        "tags": ["醫藥", "授權"],
        "authors": ["chan-ka-yan"],
        "created_by": "editor",
        "state": "published",
        "when": (2, "08:55"),
    },
    {
        "kind": "feature",
        "headline": "恒瑞醫藥轉型創新藥 授權收入成新支柱",
        "title_en": "Hengrui's bet on new drugs starts to pay",
        "dek": "這家老牌仿製藥企業近年大幅增加研發投入，對外授權帶來的收入開始在業績中佔一席位。",
        "key_points": [
            "創新藥收入佔比已超過一半",
            "對外授權交易令收入來源更多元化",
            "集採壓力下，仿製藥業務持續收縮",
        ],
        "body": [
            "恒瑞醫藥以仿製藥起家，但國家藥品集中採購令仿製藥價格大幅下降，迫使公司加快轉型。",
            "公司年報顯示，創新藥收入佔比已超過一半，研發開支佔收入的比例亦長期維持在兩成左右。",
            ("h2", "授權交易"),
            "近年跨國藥企積極從中國引進候選藥物，恒瑞亦多次把旗下產品的海外權利授予外國公司，換取首付款和未來分成。",
            "這類交易可以即時帶來現金，並借助合作夥伴的全球網絡推進臨床試驗；不過，里程碑付款能否兌現，要視乎臨床結果和監管審批。",
            ("h2", "來港上市"),
            "恒瑞在香港上市後，成為同時在A股和H股掛牌的藥企。公司表示，集資所得將用於研發和拓展海外業務。",
            "分析師認為，H股上市有助公司接觸更多國際投資者，但兩地股價之間的差距亦值得留意。",
        ],
        "companies": ["hengrui"],
        "tags": ["醫藥", "授權", "業績"],
        "authors": ["chan-ka-yan"],
        "created_by": "editor",
        "state": "published",
        "when": (9, "15:30"),
    },
    {
        "kind": "brief",
        "headline": "微創醫療手術機械人再獲海外註冊",
        "body": [
            "微創醫療（0853.HK）公布，旗下手術機械人業務的一款腔鏡手術系統，已在另一個海外市場取得註冊批准。",
            "公司指，海外註冊有助擴大該系統的銷售範圍，並減少對國內醫院採購週期的依賴。",
            "微創醫療近年持續精簡業務以改善現金流，市場關注手術機械人能否成為集團新的增長點。",
        ],
        "companies": ["microport"],
        "tags": ["醫療器械", "醫藥"],
        "authors": ["chan-ka-yan", "lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (7, "10:40"),
    },
    {
        "kind": "brief",
        "headline": "萬科再獲大股東提供借款",
        "body": [
            "萬科企業（2202.HK; 000002.SZ）公告，大股東將再向公司提供一筆股東借款，用於償還公開市場債務。",
            "公司指，借款利率和期限按一般商業條款釐定，並以部分資產作抵押。",
            "萬科近年銷售持續下滑，需依靠大股東支持應付到期債務，市場關注其長遠的再融資能力。",
        ],
        "companies": ["vanke"],
        "tags": ["地產"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "unpublished",
        "when": (10, "16:20"),
        "note": "借款金額及條款有待核實，先行撤下。",
    },
    {
        "kind": "feature",
        "headline": "萬科靠大股東續命 債務難題仍未解",
        "title_en": "Vanke buys time, but its debt problem remains",
        "dek": "股東借款解決了眼前的還款壓力，但銷售不振令這家曾經的行業龍頭難以自行造血。",
        "key_points": [
            "萬科多次獲大股東借款，以償還到期的公開市場債務",
            "合約銷售額持續下降，現金流未見明顯改善",
            "市場關注其境內債券的展期安排",
        ],
        "body": [
            "萬科曾被視為內地最穩健的房地產企業之一，但在行業持續下行的環境下，公司近年亦陷入流動性困境。",
            "過去一段時間，萬科多次獲大股東以股東借款形式注資，用以償還到期債券。這些安排暫時紓緩了違約風險，卻未能解決根本問題。",
            ("h2", "銷售仍在下滑"),
            "公司公布的合約銷售數據顯示，銷售額按年持續下跌。購房者信心疲弱，加上部分城市庫存偏高，令新盤去化速度緩慢。",
            "銷售回款減少，萬科難以單靠經營現金流應付債務。公司亦嘗試出售部分資產和商業物業，但買家不多，成交價往往低於賬面值。",
            ("h2", "下一步"),
            "分析師指，萬科的處境取決於大股東能持續提供多少支持，以及政策能否帶動樓市回穩。有評級機構已下調其信用評級，並提醒投資者留意境內債券的展期安排。",
        ],
        "companies": ["vanke"],
        "tags": ["地產", "債務"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "published",
        "when": (12, "11:45"),
    },
    {
        "kind": "brief",
        "headline": "智譜發布新一代大模型 主打編程能力",
        "body": [
            "智譜（2513.HK）發布新一代大語言模型，公司指新模型在編程和長文本推理方面的表現較上一代明顯提升。",
            "智譜表示，新模型會透過開放平台提供予企業客戶，部分版本亦會以開源形式發布。",
            "智譜上市以來股價波動較大，市場關注其商業化收入能否追上研發開支的增長。",
        ],
        "companies": ["zhipu"],
        "tags": ["人工智能"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (3, "13:15"),
    },
    {
        "kind": "brief",
        "headline": "MiniMax推出新版視頻生成模型",
        "body": [
            "MiniMax（0100.HK）推出新版視頻生成模型，公司指新版本在畫面連貫性和生成速度上均有改善。",
            "公司表示，海外用戶是其應用程式的主要收入來源之一，新模型將率先在海外版本上線。",
            "業內人士指，視頻生成需要大量算力，如何定價將影響這類產品的盈利前景。",
        ],
        "companies": ["minimax"],
        "tags": ["人工智能"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (4, "10:00"),
        "source": "示範通訊社（Demo Wire）",
    },
    {
        "kind": "feature",
        "headline": "智譜與MiniMax相繼上市 港股AI板塊考驗投資者耐性",
        "title_en": "Hong Kong's AI debutants test investors' patience",
        "dek": "兩家大模型公司以高估值登陸港股，但收入規模與研發開支之間仍有一段很長的距離。",
        "key_points": [
            "兩家公司均未有盈利，研發開支遠超收入",
            "投資者押注中國大模型的長遠商業價值",
            "上市後股價波動較大，機構投資者看法分歧",
        ],
        "body": [
            "中國兩家大模型公司智譜（2513.HK）和MiniMax（0100.HK）先後在香港上市，成為港股人工智能板塊的焦點。",
            "兩家公司的業務模式不盡相同：智譜主要服務政府和企業客戶，提供模型授權及私有化部署；MiniMax則以面向消費者的應用為主，海外用戶佔相當比例。",
            ("h2", "燒錢換增長"),
            "從招股文件可見，兩家公司的研發開支都遠高於收入，主要用於購買算力和招聘人才。這在大模型行業相當普遍，但也意味着公司需要持續融資。",
            "支持者認為，中國大模型在成本效率上具競爭力，一旦找到合適的商業模式，收入有望快速增長。",
            ("h2", "估值爭議"),
            "懷疑者則指出，大模型技術更新極快，今天領先的產品，幾個月後可能已被對手追上。在缺乏穩定盈利的情況下，估值很大程度上取決於市場情緒。",
            "有基金經理表示，會先觀察兩家公司上市後的首兩份業績，再決定是否增持。",
        ],
        "companies": ["zhipu", "minimax"],
        "tags": ["人工智能", "新股"],
        "authors": ["lam-tsz-hin", "chow-wai-lam"],
        "created_by": "editor",
        "state": "published",
        "when": (6, "16:00"),
    },
    {
        "kind": "brief",
        "headline": "阿里巴巴雲業務收入增長加快",
        "body": [
            "阿里巴巴（9988.HK; BABA.US）公布季度業績，雲智能集團的收入增長較上一季加快，公司把增長歸功於人工智能相關產品的需求上升。",
            "公司表示，會繼續加大數據中心和AI基礎設施的投資，未來數年的資本開支將維持在較高水平。",
            "阿里巴巴美國預託證券在盤後交易中上升。",
        ],
        "companies": ["alibaba"],
        "tags": ["人工智能", "雲服務", "業績"],
        "authors": ["chow-wai-lam"],
        "created_by": "editor",
        "state": "published",
        "when": (5, "18:10"),
    },
    {
        "kind": "brief",
        "headline": "阿里巴巴上季回購金額按季減少",
        "body": [
            "阿里巴巴在季度報告中披露，上季度的股份回購金額較前一季減少。",
            "公司指，回購計劃仍有相當額度未動用，會視乎市況和資金需要決定回購步伐。",
            "有分析師認為，公司把更多資金投放在AI基建，股東回報的比重可能會作出調整。",
        ],
        "companies": ["alibaba"],
        "tags": ["回購"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "published",
        "when": (11, "09:30"),
    },
    {
        "kind": "brief",
        "headline": "外賣補貼戰持續 美團核心業務利潤受壓",
        "body": [
            "美團（3690.HK）最新業績顯示，核心本地商業分部的經營利潤按年大幅下跌，主要由於外賣及即時零售業務的補貼開支增加。",
            "管理層在業績會上表示，會以理性方式參與競爭，並有信心長遠守住市場份額。",
            "美團股價在業績公布後一度下跌，其後跌幅收窄。",
        ],
        "companies": ["meituan"],
        "tags": ["消費", "電商", "業績"],
        "authors": ["chan-ka-yan", "lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (2, "12:20"),
    },
    {
        "kind": "feature",
        "headline": "即時零售混戰 美團要付出多少代價",
        "title_en": "How much will Meituan pay to defend its turf?",
        "dek": "電商平台紛紛殺入外賣和即時零售，美團以補貼還擊，利潤率首當其衝。",
        "key_points": [
            "新對手以大額補貼搶客，外賣市場競爭重燃",
            "美團加碼補貼，短期盈利明顯受壓",
            "監管部門已約談多家平台，要求避免無序競爭",
        ],
        "body": [
            "外賣曾經是美團最穩固的業務。但過去一年，多家電商平台以「即時零售」為名進軍這個市場，以大額補貼吸引用戶和商戶。",
            "面對挑戰，美團選擇正面迎戰，推出多輪優惠活動。結果是訂單量維持增長，每單利潤卻大幅下降。",
            ("h2", "補貼的代價"),
            "從最近幾季的業績可見，美團核心本地商業的經營利潤率明顯下滑。公司未有披露補貼的具體金額，但有分析師估計相關開支以百億元人民幣計。",
            ("h2", "監管介入"),
            "市場監管部門已多次約談相關平台，要求規範促銷行為。業界預期，補貼力度可能在監管壓力下逐步回落。",
            "有券商認為，一旦競爭回歸理性，美團憑藉龐大的配送網絡和商戶基礎，仍有能力恢復盈利；但若對手願意長期虧損，這場消耗戰可能比預期持久。",
        ],
        "companies": ["meituan", "alibaba"],
        "tags": ["消費", "電商"],
        "authors": ["chan-ka-yan"],
        "created_by": "editor",
        "state": "published",
        "when": (13, "10:15"),
    },
    {
        "kind": "brief",
        "headline": "小米汽車月度交付量再創新高",
        "body": [
            "小米集團（1810.HK）表示，旗下電動車上月交付量再創新高，新款SUV的訂單仍需輪候數月。",
            "公司指，第二期廠房投產後產能已有所提升，會視乎需求調整生產計劃。",
            "分析師認為，汽車業務規模擴大有助攤薄前期投入，但毛利率仍會受零部件成本和價格競爭影響。",
        ],
        "companies": ["xiaomi"],
        "tags": ["電動車", "智能手機"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (1, "15:05"),
    },
    {
        "kind": "feature",
        "headline": "小米「人車家」生態能走多遠",
        "title_en": "Can Xiaomi's ecosystem carry its car ambitions?",
        "dek": "智能手機業務增長放緩之際，小米把希望寄託在電動車和智能家居上。",
        "key_points": [
            "手機出貨量增長放緩，高端化成為重點",
            "汽車業務已成為收入增長的主要動力",
        ],
        "body": [
            "小米集團（1810.HK）過去以高性價比手機起家，但全球智能手機市場已趨飽和，公司近年把資源轉向汽車和智能家居。",
            ("h2", "手機業務"),
            "小米正推動手機高端化，希望以自研晶片和影像功能提高平均售價。不過，高端市場競爭激烈，成效仍需時間驗證。",
            ("h2", "汽車業務"),
            "電動車交付量持續上升，已成為集團收入增長的主要來源。公司希望手機、汽車和家居產品互相連接，提高用戶黏性。",
            "（待補：家電業務數據及分析師意見）",
        ],
        "companies": ["xiaomi"],
        "tags": ["電動車", "智能手機"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "draft",
    },
    {
        "kind": "brief",
        "headline": "貴州茅台批發價回落 經銷商加快去庫存",
        "body": [
            "市場消息指，飛天茅台的批發價近期回落，部分經銷商為減輕庫存壓力而降價出貨。",
            "貴州茅台（600519.SH）早前表示，會按市場情況調整投放節奏，以穩定終端價格。",
        ],
        "companies": ["kweichow-moutai"],
        "tags": ["白酒", "消費"],
        "authors": ["chan-ka-yan"],
        "created_by": "editor",
        "state": "draft",
    },
    {
        "kind": "brief",
        "headline": "中國平安宣派中期股息",
        "body": [
            "中國平安（2318.HK; 601318.SH）公布中期業績，並宣派中期股息，每股派息較去年同期略為提高。",
            "公司指，壽險新業務價值按年錄得增長，代理人渠道的人均產能持續改善。",
            "平安表示，會維持穩定而可持續的派息政策。",
        ],
        "companies": ["ping-an"],
        "tags": ["保險", "派息", "業績"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "published",
        "when": (8, "17:30"),
    },
    {
        "kind": "feature",
        "headline": "低息時代 中國平安如何保住投資收益",
        "title_en": "Ping An's hunt for yield in a low-rate world",
        "dek": "國債收益率持續下行，壽險公司的投資回報面對壓力，平安增持高息股以穩定收益。",
        "key_points": [
            "長期國債收益率處於低位，壽險業利差收窄",
            "平安增加高股息股票的配置，以提高現金回報",
            "新業務轉向保證利率較低的產品，減輕未來負擔",
            "監管放寬險資入市，為調整配置提供空間",
        ],
        "body": [
            "內地長期國債收益率持續下行，對以固定收益資產為主的壽險公司構成壓力。過去賣出的高保證利率保單，成本遠高於現時的投資回報。",
            "中國平安（2318.HK; 601318.SH）是受影響最大的保險公司之一。公司近年調整投資組合，並改變新保單的設計，以應對利差收窄。",
            ("h2", "增持高息股"),
            "平安在業績中披露，已增加高股息股票的配置，尤其是銀行、公用事業和電訊等現金流穩定的行業。這類股票的股息率高於長期國債，可以提高組合的現金回報。",
            {
                "caption": "中國平安保險資金投資組合配置（示範數據）",
                "head": ["資產類別", "年初佔比", "期末佔比"],
                "rows": [
                    ["債券", "62%", "60%"],
                    ["股票", "10%", "13%"],
                    ["非上市股權", "8%", "7%"],
                    ["其他", "20%", "20%"],
                ],
            },
            ("h2", "產品轉型"),
            "在負債端，平安逐步減少高保證利率產品的銷售，轉為推廣分紅險等收益與投資表現掛鈎的產品，把部分風險與客戶分擔。",
            "分析師指，這種轉型有助長遠穩定利差，但短期內可能影響新業務的銷售增長。監管部門近期鼓勵保險資金增加股票投資，亦為平安調整配置提供了空間。",
        ],
        "companies": ["ping-an"],
        "tags": ["保險", "業績"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "published",
        "when": (14, "11:30"),
    },
    {
        "kind": "brief",
        "headline": "蔚來換電網絡擴展至更多城市",
        "body": [
            "蔚來（NIO.US; 9866.HK）表示，旗下換電站已覆蓋更多地級市，並計劃在今年內再增設數百座換電站。",
            "公司指，換電服務可以縮短補能時間，也是其有別於其他電動車品牌的主要賣點。",
        ],
        "companies": ["nio"],
        "tags": ["電動車", "換電"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "sent_back",
        "note": "請註明換電站數目的出處，並加上公司對營運成本的回應。",
    },
    {
        "kind": "brief",
        "headline": "小鵬汽車新車上市首月訂單勝預期",
        "body": [
            "小鵬汽車（XPEV.US; 9868.HK）公布，新推出的一款中型SUV上市首月的訂單多於公司原先預期。",
            "公司指，新車搭載自研的智能駕駛系統，並會透過軟件更新陸續增加功能。",
            "小鵬表示，計劃在下季度開始把該車型出口至歐洲市場。",
        ],
        "companies": ["xpeng"],
        "tags": ["電動車"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "published",
        "when": (9, "10:25"),
    },
    {
        "kind": "brief",
        "headline": "理想汽車純電車型交付延遲",
        "body": [
            "理想汽車（LI.US; 2015.HK）表示，旗下一款純電SUV的首批交付將較原定時間延遲數周，原因是部分零部件供應未能及時到位。",
            "公司指，已訂車的客戶可獲補償，並可選擇保留訂單或退回訂金。",
            "理想汽車過去以增程式車型為主力，純電車型的市場反應被視為其轉型的關鍵。",
        ],
        "companies": ["li-auto"],
        "tags": ["電動車"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "review",
    },
    {
        "kind": "feature",
        "headline": "新勢力車企爭相扭虧 誰能率先站穩陣腳",
        "title_en": "China's EV start-ups race to break even",
        "dek": "價格戰之下，零跑、理想、小鵬和蔚來的盈利路徑各有不同。",
        "key_points": [
            "零跑以低價車型搶佔市場，已開始錄得盈利",
            "理想依靠增程式車型維持盈利，純電轉型面對挑戰",
            "蔚來和小鵬仍在收窄虧損，成本控制是關鍵",
        ],
        "body": [
            "內地電動車市場的價格戰持續多年，新勢力車企在激烈競爭中走出不同路線。",
            ("h2", "上月交付"),
            {
                "caption": "四家新勢力車企上月交付量（示範數據，單位：輛）",
                "head": ["公司", "上月交付", "按月變化"],
                "rows": [
                    ["零跑汽車", "52,300", "+4.8%"],
                    ["理想汽車", "36,100", "-2.1%"],
                    ["小鵬汽車", "34,800", "+6.5%"],
                    ["蔚來", "30,200", "+3.2%"],
                ],
            },
            ("h2", "低價與規模"),
            "零跑汽車（9863.HK）以價格相宜的車型迅速擴大銷量，並透過與海外車企合作拓展出口，規模效應令其率先錄得盈利。",
            "理想汽車（LI.US; 2015.HK）則依靠增程式家庭SUV維持盈利，但在純電車型上起步較遲，市場關注其轉型能否順利。",
            ("h2", "技術與成本"),
            "小鵬汽車（XPEV.US; 9868.HK）以智能駕駛作賣點，近期新車銷情不俗，虧損持續收窄。蔚來（NIO.US; 9866.HK）的換電網絡投入龐大，公司正透過精簡架構和推出副品牌控制成本。",
            "分析師認為，在補貼退坡和價格戰並存的環境下，能否持續降低單車成本，將決定誰能在下一輪洗牌中留下來。",
        ],
        "companies": ["leapmotor", "li-auto", "xpeng", "nio"],
        "tags": ["電動車", "業績"],
        "authors": ["lam-tsz-hin", "chow-wai-lam"],
        "created_by": "editor",
        "state": "published",
        "when": (15, "10:45"),
        # Edited after publication: the page says when.
        "edited_after_hours": 5,
    },
    {
        "kind": "brief",
        "headline": "中芯國際產能利用率維持九成以上",
        "body": [
            "中芯國際（0981.HK; 688981.SH）公布季度業績，產能利用率維持在九成以上，收入按年錄得增長。",
            "公司指，國內客戶加快本地化採購，帶動成熟製程的需求。",
            "中芯國際預期下季度收入按季持平至輕微增長，毛利率則可能因折舊增加而受壓。",
        ],
        "companies": ["smic"],
        "tags": ["半導體", "業績"],
        "authors": ["lam-tsz-hin"],
        "created_by": "editor",
        "state": "published",
        "when": (7, "16:40"),
    },
    {
        "kind": "brief",
        "headline": "中芯國際擬擴建上海十二吋晶圓廠",
        "body": [
            "中芯國際（0981.HK; 688981.SH）計劃擴建位於上海的十二吋晶圓廠，新增產能主要用於成熟製程。",
            "（待補：投資金額及投產時間表）",
        ],
        "companies": ["smic"],
        "tags": ["半導體"],
        "authors": ["lam-tsz-hin"],
        "created_by": "writer",
        "state": "draft",
    },
    {
        "kind": "brief",
        "headline": "金融壹賬通與東南亞銀行簽訂技術合作協議",
        "body": [
            "金融壹賬通（OCFT.US; 6638.HK）公布，旗下數字銀行技術平台與一家東南亞銀行簽訂合作協議，為對方提供核心系統及風險管理服務。",
            "公司指，海外業務是其重點發展方向之一，目前已在東南亞和中東多個市場取得客戶。",
        ],
        "companies": ["oneconnect"],
        "tags": ["金融科技"],
        "authors": ["wong-chi-ming"],
        "created_by": "editor",
        "state": "published",
        "when": (10, "09:45"),
        "source": "公司新聞稿",
    },
    {
        "kind": "feature",
        "headline": "騰訊遊戲廣告齊發力 AI投資明顯加快",
        "title_en": "Games and ads power Tencent as AI spending climbs",
        "dek": "本土和海外遊戲收入雙雙增長，廣告業務受惠AI推薦技術，資本開支亦明顯上升。",
        "key_points": [
            "本土及國際市場遊戲收入均錄得雙位數增長",
            "AI改善廣告投放效果，營銷服務收入增長加快",
            "資本開支上升，主要用於購買GPU和建設數據中心",
            "公司維持回購計劃",
        ],
        "body": [
            "騰訊控股（0700.HK）最新季度業績顯示，遊戲和廣告兩大業務同步增長，帶動整體收入和盈利均好過上年同期。",
            ("h2", "分部表現"),
            {
                "caption": "騰訊分部收入（示範數據，單位：億元人民幣）",
                "head": ["分部", "本季", "上年同期", "按年變化"],
                "rows": [
                    ["增值服務", "920", "790", "+16.5%"],
                    ["營銷服務", "360", "300", "+20.0%"],
                    ["金融科技及企業服務", "560", "510", "+9.8%"],
                ],
            },
            "遊戲方面，多款長青作品保持穩定，新遊戲亦帶來額外收入；海外遊戲收入受惠於旗下工作室的新作。",
            "廣告方面，公司把AI模型應用於廣告推薦和投放，令點擊率和廣告主的投資回報有所提高，視頻號和小程序的廣告收入增長尤其明顯。",
            ("h2", "投資加大"),
            "騰訊表示，期內資本開支按年顯著上升，主要用於購買GPU和擴建數據中心。公司預期AI相關投資會持續一段時間，但會保持財務紀律。",
            "與此同時，騰訊維持股份回購計劃。分析師認為，在AI投入增加的情況下，公司仍有足夠現金流兼顧股東回報。",
        ],
        "companies": ["tencent"],
        "tags": ["人工智能", "業績", "回購"],
        "authors": ["chow-wai-lam"],
        "created_by": "editor",
        "state": "published",
        "when": (4, "18:30"),
    },
    {
        "kind": "brief",
        "headline": "比亞迪公布上月產銷快報",
        "body": [
            "比亞迪（1211.HK; 002594.SZ）公布上月產銷快報，新能源車銷量按年錄得增長，海外銷量佔比進一步提高。",
            "公司指，乘用車已出口至多個新市場，匈牙利工廠亦已開始小批量生產。",
            "比亞迪維持今年的銷量目標不變。",
        ],
        "companies": ["byd"],
        "tags": ["電動車"],
        "authors": ["chow-wai-lam", "ho-sze-wing"],
        "created_by": "editor",
        "state": "scheduled",
    },
    {
        "kind": "brief",
        "headline": "寧德時代與歐洲車企簽訂長期電池供應協議",
        "body": [
            "寧德時代（300750.SZ; 3750.HK）公布，已與一家歐洲車企簽訂長期電池供應協議，將由其歐洲工廠供應磷酸鐵鋰電池。",
            "公司指，協議有助提高歐洲工廠的使用率，並加強與當地客戶的合作關係。",
            "寧德時代H股早段上升，A股則走勢平穩。",
        ],
        "companies": ["catl"],
        "tags": ["電池", "電動車"],
        "authors": ["ho-sze-wing"],
        "created_by": "editor",
        "state": "published",
        "when": (0, "09:20"),
    },
]


def body_html(blocks) -> str:
    """HTML for an article body written as blocks (see ARTICLES above).

    Tables are written the way the admin's editor writes them (one tbody,
    a header row of <th>) with the caption as a paragraph above, so an
    editor can open and save a demo article without losing anything.
    """
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{escape(block)}</p>")
        elif isinstance(block, tuple):
            tag, text = block
            parts.append(f"<{tag}>{escape(text)}</{tag}>")
        else:
            parts.append(f"<p><strong>{escape(block['caption'])}</strong></p>")
            head = "".join(f"<th>{escape(cell)}</th>" for cell in block["head"])
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in block["rows"]
            )
            parts.append(f"<table><tbody><tr>{head}</tr>{rows}</tbody></table>")
    return "".join(parts)
