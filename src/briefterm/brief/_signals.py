"""Distinguishing tokens: what tells two look-alike headlines apart.

Two reports can share nearly every word and still tell different events:
"Tesla opens a factory in Brazil" and "… in Hungary", "price cut for the
Model Y" and "… for the Model 3", "6.1 quake" and "5.4 quake". When both
sides name a token of one of these kinds and they share none, the merge is
vetoed (``cluster.py`` scales the similarity down):

* **figures**: numbers that identify an event ("6.1", "32.1", "300"; small
  integers and years are left out: they are shared by unrelated stories
  and differ between reports of one);
* **places**: countries, states and large cities, English and Chinese,
  from a gazetteer below (general world knowledge, not news vocabulary);
* **models**: a name followed by a short code — "Model Y", "iPhone 15",
  "Galaxy S24", "小米15" — compared by name: the same name with different
  codes is a conflict, different names are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

# Countries, US states and large cities by their distinctive token (the
# comparison tokens are single words: "Korea", "Zealand", "York"). Regions
# and continents are left out: "Europe" and "Germany" can tell one story.
_PLACES_EN = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "afghanistan albania algeria andorra angola argentina armenia australia austria "
        "azerbaijan bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan "
        "bolivia bosnia botswana brazil brunei bulgaria burkina burundi cambodia cameroon "
        "canada chile china colombia comoros congo croatia cuba cyprus czech czechia "
        "denmark djibouti dominica ecuador egypt eritrea estonia eswatini ethiopia fiji "
        "finland france gabon gambia germany ghana greece grenada guatemala guinea "
        "guyana haiti honduras hungary iceland india indonesia iran iraq ireland israel "
        "italy jamaica japan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan "
        "laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg "
        "madagascar malawi malaysia maldives malta mauritania mauritius mexico moldova "
        "monaco mongolia montenegro morocco mozambique myanmar namibia nauru nepal "
        "netherlands zealand nicaragua nigeria norway oman pakistan palau palestine "
        "panama paraguay peru philippines poland portugal qatar romania russia rwanda samoa "
        "senegal serbia seychelles singapore slovakia slovenia somalia spain lanka sudan "
        "suriname sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga "
        "trinidad tunisia turkey turkmenistan tuvalu uganda ukraine emirates uae uk britain "
        "england scotland wales uruguay uzbekistan vanuatu venezuela vietnam yemen zambia "
        "zimbabwe alabama alaska arizona arkansas california colorado connecticut delaware "
        "florida hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland "
        "massachusetts michigan minnesota mississippi missouri montana nebraska nevada "
        "hampshire mexico carolina dakota ohio oklahoma oregon pennsylvania rhode "
        "tennessee texas utah vermont virginia wisconsin wyoming london paris "
        "berlin madrid rome milan moscow beijing shanghai shenzhen guangzhou chengdu wuhan "
        "hangzhou nanjing tianjin chongqing tokyo osaka seoul mumbai delhi bangalore "
        "bengaluru chennai kolkata karachi lahore dhaka jakarta manila bangkok hanoi sydney "
        "melbourne toronto vancouver montreal chicago houston atlanta boston "
        "miami seattle denver detroit york angeles francisco diego vegas cairo lagos "
        "nairobi johannesburg istanbul tehran baghdad dubai riyadh doha jerusalem kyiv kiev "
        "warsaw prague vienna budapest amsterdam brussels lisbon dublin stockholm oslo "
        "copenhagen helsinki athens zurich geneva munich frankfurt hamburg barcelona "
        "singapore taipei"
    ).split()
)
_PLACES_ZH = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "中国 美国 日本 韩国 德国 法国 英国 意大 西班 葡萄 荷兰 比利 瑞士 瑞典 挪威 芬兰 丹麦 "
        "波兰 匈牙 捷克 奥地 希腊 土耳 俄罗 乌克 印度 巴西 墨西 加拿 澳大 新西 泰国 越南 印尼 "
        "马来 新加 菲律 阿根 智利 秘鲁 哥伦 埃及 南非 尼日 肯尼 沙特 伊朗 以色 阿联 卡塔 "
        "北京 上海 深圳 广州 成都 武汉 合肥 西安 苏州 重庆 杭州 南京 天津 长沙 郑州 青岛 "
        "厦门 宁波 无锡 济南 沈阳 大连 哈尔 昆明 福州 东莞 佛山 香港 澳门 台湾 广东 浙江 "
        "江苏 山东 河南 河北 湖南 湖北 四川 福建 安徽 江西 云南 贵州 广西 海南 陕西 山西 "
        "甘肃 辽宁 吉林 黑龙 内蒙 新疆 西藏 宁夏 青海 东京 大阪 首尔 伦敦 巴黎 柏林 纽约"
    ).split()
)
PLACES = _PLACES_EN | _PLACES_ZH

# A capitalized name, a space or hyphen, then a short code with a digit or a
# lone capital: "Model Y", "iPhone 15", "Galaxy S24", "Pixel 9a", "Mate 60".
_MODEL = re.compile(r"\b([A-Z][A-Za-z]+|i[A-Z][a-z]+)[ -]((?:[A-Z]{0,2}\d{1,4}[a-z]{0,2})|[A-Z])\b")
# Chinese: the two ideographs before a Latin/digit code: "小米15", "问界M7"
# (not a quantity: "15万辆", "3999元").
_MODEL_ZH = re.compile(
    r"([\u4e00-\u9fff]{2})\s?([A-Za-z]{0,2}\d{1,4}[A-Za-z]{0,2})(?![A-Za-z0-9.万亿元年月日号辆台款家人个%％])"
)
# Words before a number or letter that do not make it a model: "Top 10",
# "March 10", "Season 4", "Vitamin D".
_NOT_MODEL_NAMES = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "up down top by to of in on at for from over under about than and or the is was "
        "were are be has had have with after before since until per vs no nos number day "
        "days week weeks year years month months hour hours minute minutes page part chapter "
        "season episode round stage phase group level grade class act step update updated "
        "covid rank ranked plan vitamin type category section article when why what how "
        "would could will can may should who where which while if as it its january "
        "february march april may june july august september october november december jan "
        "feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
        "friday saturday sunday fall spring summer winter night"
    ).split()
)
_NOT_MODEL_CODES = frozenset(("a", "i", "q1", "q2", "q3", "q4", "h1", "h2"))


def is_figure(token: str) -> bool:
    """True for a number that identifies an event: "6.1", "32.1", "300", "2.75".

    Small integers (months, quarters, "Fold 3") and years are left out: they
    are shared by unrelated stories and differ between reports of one.
    """
    if not token[0].isdigit():
        return False
    if "." in token:
        return True
    value = int(token) if token.isdigit() else 0
    return value >= 13 and not 1900 <= value <= 2100


def models(text: str) -> frozenset[tuple[str, str]]:
    """(name, code) pairs of the model designations in ``text``, lowercased."""
    found = {
        (name.lower(), code.lower())
        for name, code in _MODEL.findall(text)
        if name.lower() not in _NOT_MODEL_NAMES
        and code.lower() not in _NOT_MODEL_CODES
        and not (code.isdigit() and len(code) == 4)
    }
    if not text.isascii():
        # The two ideographs before a Latin code are as often a verb
        # ("发布V4", "推出V4") as a name: only a number code keeps its name.
        found.update(
            (name if code.isdigit() else "", code.lower()) for name, code in _MODEL_ZH.findall(text)
        )
    return frozenset(found)


def models_conflict(a: AbstractSet[tuple[str, str]], b: AbstractSet[tuple[str, str]]) -> bool:
    """True when some name carries different codes on each side and no code is shared."""
    if not a or not b:
        return False
    codes_a: dict[str, set[str]] = {}
    for name, code in a:
        codes_a.setdefault(name, set()).add(code)
    clash = False
    for name, code in b:
        mine = codes_a.get(name)
        if mine is None:
            continue
        if code in mine:
            return False
        clash = True
    return clash
