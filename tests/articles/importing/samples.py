# ruff: noqa: E501
"""Copy in the shapes the importer meets, written for these tests.

The sentences are our own; companies and tickers are real listings used as
facts. Each constant is one shape: a CMS export (block items, then compact
one-line items and 簡訊 briefs), a scraped Simplified page with site chrome,
an English press release with a table spread one cell per line, a wire feed
with one article per line pair, and a page wrapped in lists of links.
"""

NBSP = "\u00a0"

CMS_EXPORT = f"""9863.HK
Leapmotor widens its overseas push

零跑汽車加快海外布局 與合作夥伴擴大歐洲銷售網絡

重點:

  • 零跑汽車計劃今年在歐洲新增一百個銷售點,並推出兩款右軌車型
  • 海外業務仍處於起步階段,短期內難以改變公司以內地市場為主的收入結構

林子軒

電動車製造商零跑汽車(9863.HK)周一表示,將與歐洲合作夥伴擴大銷售網絡,目標是今年在當地新增一百個銷售點。公司表示,新車型將於第三季度陸續交付。

分析員認為,海外市場的利潤率高於內地,但物流及認證成本亦不容忽視。

#電動車 #出海

歐洲市場的挑戰

歐盟對中國電動車徵收的反補貼稅,仍是零跑汽車在當地定價時必須考慮的因素。公司表示,部分車型將在當地組裝,以降低關稅影響。

欲訂閱本站每周免費通訊,請點擊這裏

新聞

property sales slump

內房銷售持續疲弱 開發商轉向保交付

多家內地開發商上月銷售額按年下跌,行業重心已由擴張轉向保交付與現金流管理 {NBSP}{NBSP} 黃志明 國家統計局數據顯示,今年首十個月全國商品房銷售面積按年下跌,新開工面積亦同步收縮。 萬科(2202.HK; 000002.SZ)表示,將繼續出售非核心資產以回籠資金,並優先保障已售樓盤如期交付。 債務壓力未減 多家開發商仍在與債權人商討重組方案,市場預期行業整合將持續一段時間,中小型開發商的處境尤其困難。 分析員指出,政策支持力度仍是決定行業何時見底的關鍵。 黃志明,本站地產記者。他的聯絡方式:wong@example.com 欲訂閱本站每周免費通訊,請點擊這裏

簡訊:恒瑞醫藥授權海外藥企開發新藥

恒瑞醫藥(1276.HK; 600276.SH)周二宣布,將一款腫瘤新藥在中國以外地區的開發及商業化權益授予一家美國藥企,首付款為五千萬美元,另有按研發進度支付的里程碑款項。 公司表示,交易有助加快新藥在海外市場的臨床開發,亦可為公司帶來穩定的授權收入。 消息公布後,公司H股早段上升,成交較上日明顯增加。 陳嘉欣 欲訂閱本站每周免費通訊,請點擊這裏
"""

SCRAPED_PAGE = """新能源车企海外扩张的机遇与风险分析
解锁更多功能
登录后即可查看完整研报与AI解读
关于我们:示例智能投研平台,提供基于数据的投资问答服务。
相关个股
零跑汽车 9863.HK +2.35%
比亚迪股份 1211.HK -0.80%
今年以来,多家中国新能源车企加快在欧洲和东南亚布局,海外销量占比持续提升。
分析认为,海外市场的定价空间较大,但关税和本地化生产的要求也在提高。
| 市场 | 主要风险 | 应对方式 |
|---|---|---|
欧洲 |
反补贴关税 | 本地组装 |
东南亚 |
价格竞争激烈 | 合资建厂 |
| 指标 | 数值 |
|---|---|
| | |
- 海外销量占比提升
- 本地化生产要求提高
[1] 示例财经 - “新能源车企出海观察” (https://example.com/a/1)
数据基于历史,不代表未来趋势;仅供投资者参考,不构成投资建议
相关阅读
新能源车价格战何时结束
电池原材料价格走势回顾
港股汽车板块本周表现
"""

PRESS_RELEASE = """HONG KONG, March 3, 2026 /PRNewswire/ — Example Robotics Holdings Ltd. (“Example Robotics” or the “Company”) (HKEX: 2513), a maker of warehouse robots, today announced its annual results for the year ended December 31, 2025.

Full Year 2025 Highlights

  • Revenue rose 18% to HK$1,240 million, driven by new logistics customers.
  • Gross margin improved to 31.5% as component costs fell.

[1] Revenue excludes discontinued operations sold during the year.

In HK$ million

Year Ended

December 31

YoY

2025

2024



Revenue

1,240

1,051

18.0 %

Gross profit

391

305

28.2 %

Operating loss

(42)

(77)


Net loss

(35)

(70)


The Company expects demand from logistics customers to remain firm in 2026.

Full story available on Example Wire
"""

WIRE_FEED = """騰訊第三季盈利勝預期
騰訊控股(0700.HK)周三公布第三季業績,純利按年增長,遊戲及廣告收入均錄得雙位數升幅。(來源:示例通訊社)
央行宣布下調存款準備金率
中國人民銀行周五宣布,下調金融機構存款準備金率零點五個百分點,釋放長期流動性。[Example Wire]
"""

LINK_WRAPPED_PAGE = """首頁
財經新聞
港股直播
比亞迪公布月度銷量 海外市場增長強勁
作者: 申思琦
比亞迪(1211.HK)周一公布上月新能源車銷量,其中海外銷量按月上升,佔總銷量比例創新高。
公司表示,將繼續在歐洲及拉丁美洲擴建生產基地。
熱門文章
恒指收市微跌
內銀股普遍受壓
美股期貨造好
"""

PLAIN_TEXT = """A plain note with no markers

The first paragraph of a note that arrived without a byline or any other sign of where it came from.

A second paragraph, also plain.
"""
