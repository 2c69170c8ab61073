"""The lawful-content screen of job postings (standard art. 14: "no discriminatory content").

``screen_posting(text)`` reads a posting and returns one ``Finding`` per offending phrase: the
phrase as it appears in the text, where it is (offsets into the original text), its category,
how severe it is, the legal basis, and an explanation an officer can repeat to the employer.
Pure Python: no database, no models, nothing but the text.

How it reads a text:

1. Each character is normalised on its own (NFKC, so full-width ``ＨＢＶ１８`` becomes
   ``HBV18``; lower case; a small explicit table maps the traditional characters that matter
   to simplified ones). Every normalised character remembers the index of the original
   character it came from, so a finding always points at the original text.
2. Three views are built from that: the *spaced* view keeps everything, the *compact* view drops
   spaces, punctuation and symbols ("限 男 性", "限-男", "限·男" all read "限男性"), except
   sentence ends (。!?; and line breaks), and a dash between two digits ("18-35岁"); the
   *clause* view is the compact one that keeps commas too, so a rule can look a few characters
   ahead without reaching the next item of a list.
3. Lawful phrases are found first ("男女不限", "不限户籍", "不收取任何押金", "不查乙肝" …, and
   on the clause view any statement that either status is acceptable: "已婚未婚均可", "本地、
   外地皆可", "不论是否有宗教信仰"); a rule match that overlaps a lawful phrase is dropped.
4. The rules are regular expressions over one view, each of one category. Most list phrases;
   the refusal rules are generated for every category with protected groups from one list of
   exclusion verbs ("不招收", "谢绝", "恕不接受", "不要", "拒收" …) and that category's groups:
   a verb followed within four characters of its clause by a group, or a group followed by a
   verb. Matches of the same category that overlap are merged.

The severity is "block" for what the law forbids, "warn" for age limits (a policy goal, not a
statutory ban) and "allowed" for a finding a reviewer has justified: some work is closed to
women by law (女职工禁忌劳动范围: underground mining, 4th-grade work at heights, carrying more
than 25 kg …), and some jobs need a health or physical condition. Exceptions are accepted only
for the categories in ``EXCEPTABLE_CATEGORIES``: no justification makes a fee charged to
workers, a retained identity card or a limit by marriage, hukou, ethnicity or religion lawful.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final, Literal, get_args

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

Category = Literal[
    "gender",
    "marital_childbearing",
    "household_registration",
    "ethnicity",
    "religion",
    "health",
    "disability",
    "age",
    "worker_fee",
    "id_card_retention",
]
Severity = Literal["block", "warn", "allowed"]

CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)
# Categories where the law itself admits job-inherent requirements, so a reviewer may record why
# a flagged phrase is lawful for this job.
EXCEPTABLE_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {"gender", "age", "health", "disability"}
)

# --- Legal bases -------------------------------------------------------------------------------

# Each basis is one translatable citation: English names of the laws in the source, the
# Chinese titles and article numbers (《…》第…条) in the zh_Hans catalogue. The rules on postings
# that every discrimination category shares (人力资源市场暂行条例 art. 24, 网络招聘服务管理规定
# art. 15, 就业服务与就业管理规定 art. 20) are spelled out in each, so that a translator sees the
# whole citation at once.
BASES: Final[Mapping[Category, StrPromise]] = {
    "gender": _(
        "Employment Promotion Law art. 3, 26, 27; Law on the Protection of Women's Rights and "
        "Interests art. 43; Interim Regulations on the Human Resources Market art. 24; "
        "Provisions on Online Recruitment Services art. 15; Provisions on Employment Services "
        "and Employment Management art. 20"
    ),
    "marital_childbearing": _(
        "Law on the Protection of Women's Rights and Interests art. 43; Employment Promotion "
        "Law art. 27; Interim Regulations on the Human Resources Market art. 24; Provisions on "
        "Online Recruitment Services art. 15; Provisions on Employment Services and Employment "
        "Management art. 20"
    ),
    "household_registration": _(
        "Employment Promotion Law art. 26, 31; Interim Regulations on the Human Resources "
        "Market art. 24; Provisions on Online Recruitment Services art. 15; Provisions on "
        "Employment Services and Employment Management art. 20"
    ),
    "ethnicity": _(
        "Employment Promotion Law art. 3, 26, 28; Interim Regulations on the Human Resources "
        "Market art. 24; Provisions on Online Recruitment Services art. 15; Provisions on "
        "Employment Services and Employment Management art. 20"
    ),
    "religion": _(
        "Employment Promotion Law art. 3, 26; Interim Regulations on the Human Resources "
        "Market art. 24; Provisions on Online Recruitment Services art. 15; Provisions on "
        "Employment Services and Employment Management art. 20"
    ),
    "health": _(
        "Employment Promotion Law art. 26, 30; Provisions on Employment Services and Employment "
        "Management art. 19; Interim Regulations on the Human Resources Market art. 24; "
        "Provisions on Online Recruitment Services art. 15; Provisions on Employment Services "
        "and Employment Management art. 20"
    ),
    "disability": _(
        "Employment Promotion Law art. 26, 29; Interim Regulations on the Human Resources "
        "Market art. 24; Provisions on Online Recruitment Services art. 15; Provisions on "
        "Employment Services and Employment Management art. 20"
    ),
    "age": _(
        "Employment Promotion Law art. 26 (equal opportunity; a policy goal, no explicit "
        "statutory ban)"
    ),
    "worker_fee": _(
        "Provisions on Employment Services and Employment Management art. 14; Labour Contract "
        "Law art. 9"
    ),
    "id_card_retention": _(
        "Provisions on Employment Services and Employment Management art. 14; Labour Contract "
        "Law art. 9"
    ),
}

# The categories and severities in words (the counter's pages, the refusal messages).
CATEGORY_LABELS: Final[Mapping[Category, StrPromise]] = {
    "gender": _("Gender"),
    "marital_childbearing": _("Marriage and childbearing"),
    "household_registration": _("Household registration (hukou) or origin"),
    "ethnicity": _("Ethnicity"),
    "religion": _("Religion"),
    "health": _("Health"),
    "disability": _("Disability"),
    "age": _("Age"),
    "worker_fee": _("Fees or deposits charged to workers"),
    "id_card_retention": _("Keeping identity documents"),
}
SEVERITY_LABELS: Final[Mapping[Severity, StrPromise]] = {
    "block": _("Not allowed"),
    "warn": _("Warning"),
    "allowed": _("Allowed, justified"),
}

# --- Explanations (for the officer to repeat to the employer) ----------------------------------

_GENDER = _(
    "The posting limits the job to men or to women, or says one of them is preferred. This is "
    "forbidden unless the state bars women from the work (for example underground mining); "
    "then a reviewer must record why."
)
_MARITAL = _(
    "The posting makes marriage, pregnancy, children or plans to have children a condition of "
    "hiring, or asks about them. This is forbidden; the employer must remove it."
)
_HUKOU = _(
    "The posting limits the job by household registration (hukou) or place of origin. Workers "
    "from other places and from the countryside must have the same chance; the employer must "
    "remove it."
)
_ETHNICITY = _(
    "The posting limits the job by ethnic group. Workers of every ethnic group have the same "
    "right to work; the employer must remove it."
)
_RELIGION = _(
    "The posting limits the job by religious belief. Nobody may be refused work for holding a "
    "religion or for holding none; the employer must remove it."
)
_HEPATITIS_B = _(
    "The posting turns away hepatitis B carriers or makes hepatitis B tests a condition of "
    "hiring. Except for the few jobs the health authorities name, carriers may not be refused "
    "and the tests may not be a hiring standard."
)
_BLANKET_HEALTH = _(
    "The posting demands freedom from any illness or any history of disease. Only conditions the "
    "law names for a particular job may be required (a food handler shows a valid health "
    "certificate); the employer must narrow the requirement to what the job needs or remove it."
)
_DISABILITY = _(
    "The posting turns away people with disabilities. This is forbidden; the employer may state "
    "what the job needs instead (for example a driving licence or carrying loads)."
)
_AGE = _(
    "The posting sets an upper age limit or an age band. The law has no outright ban, but public "
    "policy is to remove age limits the job does not need: ask the employer to drop it or to "
    "explain why the job needs it."
)
_WORKER_FEE = _(
    "The posting asks workers to pay a deposit, a guarantee or a fee (training, uniform, agency "
    "and the like). An employer may not take money or security from the people it hires; the "
    "employer must remove it."
)
_ID_CARD = _(
    "The posting says the employer keeps workers' identity cards or other documents. This is "
    "forbidden: an employer may check a document and must hand it back at once."
)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One offending phrase of a posting."""

    phrase: str  # the matched text exactly as it appears in the posting
    start: int  # offsets into the original text: text[start:end] == phrase
    end: int
    category: Category
    severity: Severity
    basis: StrPromise  # legal basis, a short citation (in the language active when shown)
    explanation: StrPromise  # why, in words an officer can repeat to the employer
    justification: str | None = None  # the reviewer's justification when severity is "allowed"


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a posting from being published."""
    return [finding for finding in findings if finding.severity == "block"]


@dataclass(frozen=True)
class FindingsSummary:
    """The findings of one posting sorted by severity."""

    blocking: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    allowed: tuple[Finding, ...] = ()

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingsSummary:
        found = list(findings)
        return cls(
            blocking=tuple(f for f in found if f.severity == "block"),
            warnings=tuple(f for f in found if f.severity == "warn"),
            allowed=tuple(f for f in found if f.severity == "allowed"),
        )

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocking)

    @property
    def categories(self) -> frozenset[Category]:
        return frozenset(f.category for f in (*self.blocking, *self.warnings, *self.allowed))


# --- Normalisation -----------------------------------------------------------------------------

# Traditional (and variant) forms of the characters the rules read, mapped to simplified ones.
# Deliberately small and explicit: a character missing here only matters if a rule uses it.
# (婚, 孕, 押, 聘 … are written the same in both scripts and need no entry.)
TRADITIONAL: Final[Mapping[str, str]] = {
    "婦": "妇", "漢": "汉", "彜": "彝", "歲": "岁", "齡": "龄", "戶": "户", "戸": "户",
    "擾": "扰", "僅": "仅", "隻": "只", "祇": "只", "衹": "只", "優": "优", "殘": "残",
    "傳": "传", "攜": "携", "帶": "带", "證": "证", "費": "费", "訓": "训", "練": "练",
    "裝": "装", "紹": "绍", "療": "疗", "體": "体", "檢": "检", "結": "结", "無": "无",
    "計": "计", "劃": "划", "內": "内", "兩": "两", "對": "对", "維": "维", "爾": "尔",
    "請": "请", "謝": "谢", "絕": "绝", "談": "谈", "應": "应", "員": "员", "職": "职",
    "與": "与", "歡": "欢", "納": "纳", "繳": "缴", "預": "预", "須": "须", "區": "区",
    "縣": "县", "鄉": "乡", "農": "农", "業": "业", "鎮": "镇", "貫": "贯", "廣": "广",
    "東": "东", "陝": "陕", "貴": "贵", "遼": "辽", "蘇": "苏", "龍": "龙", "寧": "宁",
    "臺": "台", "灣": "湾", "鮮": "鲜", "後": "后", "輕": "轻", "單": "单", "個": "个",
    "陽": "阳", "項": "项", "愛": "爱", "聾": "聋", "啞": "哑", "勞": "劳", "動": "动",
    "礙": "碍", "還": "还", "歸": "归", "風": "风", "險": "险", "辦": "办", "產": "产",
    "懷": "怀", "兒": "儿", "媽": "妈", "黨": "党", "國": "国", "別": "别", "釋": "释",
    "負": "负", "責": "责", "協": "协", "讓": "让", "記": "记", "錄": "录", "簽": "签",
    "說": "说", "買": "买", "賣": "卖", "條": "条", "規": "规", "範": "范", "處": "处",
    "團": "团", "學": "学", "聽": "听", "視": "视", "礦": "矿", "縮": "缩", "雜": "杂",
    "們": "们", "這": "这", "種": "种", "類": "类", "瘋": "疯", "癇": "痫", "經": "经",
    "驗": "验", "護": "护", "醫": "医", "藥": "药", "壯": "壮", "滿": "满", "週": "周",
    "齊": "齐", "舊": "旧", "麼": "么", "樣": "样", "實": "实", "際": "际", "確": "确",
    "認": "认", "發": "发", "錢": "钱", "闆": "板", "廳": "厅", "務": "务", "場": "场",
    "間": "间", "貨": "货", "術": "术", "數": "数",
}  # fmt: skip

# Sentence ends survive compaction: rules never match across them.
_SENTENCE_ENDS: Final[frozenset[str]] = frozenset("。!?;\n\r")
_DASHES: Final[frozenset[str]] = frozenset("-‐‑‒–—―~〜∼")
# Commas end a clause: the clause view keeps them (full-width ones read "," after NFKC), so that
# the rules that look a few characters ahead never run into the next item of a list.
_CLAUSE_ENDS: Final[frozenset[str]] = frozenset(",")


def _is_filler(char: str) -> bool:
    """Spaces, punctuation, symbols and invisible format characters."""
    return unicodedata.category(char)[0] in "PSZC" and char not in _SENTENCE_ENDS


@dataclass(frozen=True)
class _View:
    text: str
    origin: tuple[int, ...]  # origin[i]: index in the original text of text[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def _normalise(text: str) -> tuple[_View, _View, _View]:
    """The spaced, the compact and the clause view of ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for normal in unicodedata.normalize("NFKC", char).lower():
            chars.append(TRADITIONAL.get(normal, normal))
            origin.append(index)
    spaced = _View("".join(chars), tuple(origin))
    return (
        spaced,
        _compacted(chars, origin, keep=frozenset()),
        _compacted(chars, origin, keep=_CLAUSE_ENDS),
    )


def _compacted(chars: list[str], origin: list[int], *, keep: frozenset[str]) -> _View:
    """``chars`` without fillers, except the characters in ``keep`` (kept as they are)."""
    compact_chars: list[str] = []
    compact_origin: list[int] = []
    for position, char in enumerate(chars):
        if _is_filler(char) and char not in keep:
            # "18-35岁", "18～35岁": a dash between two digits is a range, keep one.
            if (
                char in _DASHES
                and compact_chars
                and compact_chars[-1].isdigit()
                and _next_kept_is_digit(chars, position + 1)
            ):
                compact_chars.append("-")
                compact_origin.append(origin[position])
            continue
        compact_chars.append(char)
        compact_origin.append(origin[position])
    return _View("".join(compact_chars), tuple(compact_origin))


def _next_kept_is_digit(chars: list[str], position: int) -> bool:
    for char in chars[position:]:
        if char.isspace():
            continue
        return char.isdigit()
    return False


# --- Vocabulary --------------------------------------------------------------------------------

# Words that turn a group into an exclusion when they follow it ("女性勿扰", "外地人免谈").
_EXCLUDED = (
    r"(?:勿扰|免谈|莫扰|勿来|勿投|请勿|慎投|止步|绕行|绕道|谢绝|不招|不收|不考虑|"
    r"不予考虑|不予录用|不录用|不予聘用|不接受|除外|免问)"
)
# Words that turn a group into a requirement when they precede it ("限男", "只招女").
_ONLY = (
    r"(?:仅限于?|只限于?|限定|限于|限招|限|仅招|只招|仅要|只要|仅收|只收|仅聘|只聘|只找|仅需|只需)"
)
# Words that refuse a group when they precede it ("不招女", "谢绝外地").
_REFUSE = r"(?:不要(?!求)|不招|不用|不考虑|谢绝|拒绝(?!歧视)|不接受|不录用)"
_REQUIRE = r"(?:要求|须为|需为|须是|需是|必须是|必须为|应为|限为|性别要求|性别限|性别为|性别)"
# Characters after 男/女 that show the word is about goods or places, not people.
_NOT_PEOPLE = (
    r"(?!女|男|装|鞋|包|款|式|款式|厕|卫生间|宿舍|浴|科|职工|员工|子(?:养生|会所|美容|spa))"
)
_PERSON = r"(?:性|士|生|工|孩|子|的|人|同志|青年|员工)?"
_NUM = r"(?:\d{2}|[一二三四五六七八九]?十[一二三四五六七八九]?)"
_AGE_UNIT = r"(?:周岁|岁)"
_NOT_CHILDREN = (
    r"(?!儿童|孩子|小孩|学生|青少年|宝宝|幼儿|婴儿|老人|的?(?:儿童|孩子|小孩|学生|老人))"
)
_PLACES = (
    r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|"
    r"湖北|湖南|广东|广西|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古?|西藏|宁夏|新疆|"
    r"香港|澳门|东北|西北|潮汕|南宁|柳州|桂林|梧州|北海|玉林|百色|钦州|贵港|河池|来宾|崇左|"
    r"防城港|贺州)"
)
_ETHNIC = (
    r"(?:汉族|汉人|少数民族|维吾尔族?|维族|藏族|回族|彝族|壮族|苗族|蒙古族|蒙族|土家族|布依族|"
    r"侗族|瑶族|朝鲜族|白族|哈尼族|哈萨克族|黎族|傣族|畲族|傈僳族|仡佬族|东乡族|拉祜族|佤族|"
    r"纳西族|羌族|仫佬族|锡伯族|柯尔克孜族|景颇族|达斡尔族|撒拉族|毛南族|塔吉克族|京族|满族|"
    r"鄂温克族|鄂伦春族|赫哲族|塔塔尔族|乌孜别克族|裕固族|俄罗斯族|门巴族|珞巴族|独龙族|怒族)"
)
_BELIEVER = (
    r"(?:信教|宗教信仰|信仰宗教|宗教人士|信徒|教徒|穆斯林|基督徒|基督教徒|天主教徒|佛教徒|"
    r"伊斯兰教徒|道教徒|信(?:基督|天主|佛|伊斯兰|道)教|信佛|信主|信基督|信耶稣|信伊斯兰|有信仰)"
)
_HBV = r"(?:乙肝|乙型肝炎|两对半|澳抗|hbv|hbsag|大三阳|小三阳|乙肝五项|乙肝表面抗原)"
_FEE = (
    r"(?:风险抵押金|抵押金|风险金|押金|保证金|培训费|服装费|工服费|工装费|制服费|中介费|介绍费|"
    r"报名费|上岗费|工牌费|办卡费|建档费|信息费|资料费|入职费|拜师费|担保金|入会费|会员费|手续费|办证费)"
)
_DOCUMENT = (
    r"(?:身份证件|身份证|证件|毕业证|学历证书?|户口本|驾驶证|驾照|证书)(?:原件)?"
    r"(?!复印|号|信息|照|扫描|图片|电子版)"
)
_THIRD_PARTY = (
    r"(?:客户|顾客|学员|家长|业主|住户|租户|用户|会员|乘客|商户|患者|游客|学生|房客|车主)"
)
_NO = (
    r"(?:无需|无须|不需要?|不用|不必|免收|免|零|不交|不收取?|无|没有|绝不|不会|拒绝|不得|严禁|"
    r"禁止|杜绝|不存在|从不)"
)


# --- Rules -------------------------------------------------------------------------------------

ViewName = Literal["spaced", "compact", "clause"]


@dataclass(frozen=True)
class _Rule:
    category: Category
    pattern: re.Pattern[str]
    explanation: StrPromise
    view: ViewName = "compact"
    # A further test on the match (for example the numbers of an age limit).
    accepts: Callable[[re.Match[str]], bool] | None = None


@dataclass(frozen=True)
class _Group:
    """The rules of one category with its default explanation."""

    category: Category
    explanation: StrPromise
    patterns: tuple[str, ...]
    view: ViewName = "compact"
    accepts: Callable[[re.Match[str]], bool] | None = None
    rules: tuple[_Rule, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "rules",
            tuple(
                _Rule(self.category, re.compile(p), self.explanation, self.view, self.accepts)
                for p in self.patterns
            ),
        )


_CHINESE_DIGITS: Final[Mapping[str, int]] = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip


def _age(number: str) -> int:
    """An age written with Arabic digits or as Chinese numerals up to 99."""
    if number.isdigit():
        return int(number)
    tens, _ten, units = number.partition("十")
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(units, 0)


def _worker_age_band(match: re.Match[str]) -> bool:
    """A band whose lower end is a working age ("18-35岁"), not the ages of children served."""
    low, high = _age(match["low"]), _age(match["high"])
    return 14 <= low < high


def _worker_upper_limit(match: re.Match[str]) -> bool:
    """An upper limit above the age of majority ("35岁以下"), not "12岁以下儿童"."""
    return _age(match["age"]) > 18


_GROUPS: Final[tuple[_Group, ...]] = (
    _Group(
        "gender",
        _GENDER,
        (
            rf"(?<!不){_ONLY}(?:招聘?)?(?:\d+名)?(?:男|女|妇女){_NOT_PEOPLE}{_PERSON}",
            rf"{_REQUIRE}(?:男|女){_NOT_PEOPLE}(?:性|士|生|的)?",
            rf"(?<![子儿孙])(?:男|女|妇女){_PERSON}(?:者|人员|应聘者|求职者)?(?:优先|{_EXCLUDED})",
            rf"{_REFUSE}(?:男|女|妇女){_NOT_PEOPLE}{_PERSON}",
            rf"{_AGE_UNIT}(?:以下|以内|以上|之间)?的?(?:男|女){_NOT_PEOPLE}(?:性|士|生|孩|子|人)?",
            r"(?:年轻|青年)(?:男|女)(?:性|士|生|孩|子)",
            rf"(?:诚聘|急招|急聘|招聘|招募|聘请|聘用|招|聘)(?:\d+名|\d+位|\d+个|若干|一名|一位|几名|几个)?"
            rf"(?:男|女){_NOT_PEOPLE}(?:性|士|生|工|孩)?",
            r"(?<![子儿孙])(?:男|女)(?:性|士|生|工)?\d+(?:名|人|位)",
            r"\d+(?:名|位)(?:男|女)(?:性|士|生|工)",
            r"(?:要|找|招)(?:个|一个|几个)?(?:男|女)的",
            r"(?:只招|只要|仅招|仅限|限|招)(?:阿姨|大姐|小姐姐|妹子|小妹|靓女|美女|帅哥|小伙子?|宝妈)",
            # a different standard for one sex ("女性需已婚已育", "男士须身高175")
            r"(?<![子儿孙])(?:男|女)(?:性|士|生|工)?(?:需|须|必须|要求|应)"
            r"(?:已婚|未婚|已育|未育|婚育|身高|年龄|\d)",
        ),
    ),
    # "，女，" "（男）": a gender standing alone as an item of the requirements.
    _Group(
        "gender",
        _GENDER,
        (
            r"(?:^|(?<=[,:、/|()\[\]【】\s。!?;]))(?:性别)?(?:男|女)(?:性|士|生|的)?"
            r"(?=$|[,:、/|()\[\]【】\s。!?;])",
        ),
        view="spaced",
    ),
    _Group(
        "marital_childbearing",
        _MARITAL,
        (
            r"已婚已育|已婚未育|未婚未育|已婚|未婚|已育|未育|已孕|未孕",
            r"(?:无|没有|暂无|近期无|暂不考虑|暂不|不考虑|不)(?:婚育|生育|怀孕|结婚|要孩子|要小孩|生小孩|生孩子|要娃|生娃|"
            r"备孕|生二胎|要二胎)(?:计划|打算|意向|安排|意愿)?",
            r"(?:\d|[一二两三四五])年(?:内|之内)?(?:不考虑|不|无|不能|不得|不可|不准|禁止|不会)"
            r"(?:生育|怀孕|生孩子|生小孩|要孩子|要小孩|结婚|生二胎|生娃|要娃)",
            rf"(?:孕妇|怀孕|孕期|备孕|哺乳期|孕产期|有孩子|有小孩|宝妈|带娃|已育|未育|单亲|离异)"
            rf"(?:的|者|人员|女性)?{_EXCLUDED}",
            rf"{_REFUSE}(?:孕妇|宝妈|已婚|未婚|已育|怀孕|带娃)",
            r"孕检|妊娠(?:测试|检查|检测)|验孕",
            rf"(?<!不){_ONLY}单身(?!公寓|宿舍)|单身(?:者|人士)?优先",
        ),
    ),
    _Group(
        "household_registration",
        _HUKOU,
        (
            r"(?:本地|本市|本省|本县|本区|本镇|当地|城镇|城市|农村|农业|非农业?)(?:户口|户籍|户藉)",
            r"(?:本地|本市|当地|本省|本县)人(?!员|文|才|事|气|士?事)",
            rf"(?<!不){_ONLY}(?:本地|本市|本省|本县|当地)",
            rf"(?:外地|外省|外市|外县|外乡|非本地|非本市|非本省|农村|乡下|{_PLACES})"
            rf"(?:户口|户籍|籍|人|人员|的|人士)?{_EXCLUDED}",
            rf"{_REFUSE}(?:外地|外省|非本地|农村|{_PLACES})",
            rf"(?<!不){_ONLY}{_PLACES}(?:籍|人|户口|户籍|生源)",
            rf"{_PLACES}(?:籍|户口|户籍)(?:人员|人士|者)?优先",
            r"(?<!不)(?:仅限|只限|限)[\u4e00-\u9fff]{1,4}(?<![国学书党])籍",
            r"籍贯(?:要求|限|须|需|为)",
        ),
    ),
    _Group(
        "ethnicity",
        _ETHNICITY,
        (
            rf"(?<!不)(?:{_ONLY}|要求|须为|需为|须是|需是|必须是){_ETHNIC}",
            rf"{_ETHNIC}(?:的|者|人员|人士|同胞|员工)?{_EXCLUDED}",
            r"(?:汉族|汉人)(?:的|者|人员)?优先",
            rf"{_REFUSE}{_ETHNIC}",
            r"民族(?:要求|限|须为|需为|为)?(?:汉族|汉)(?!语|字|服)",
        ),
    ),
    # "，汉族，": an ethnic group standing alone as an item of the requirements.
    _Group(
        "ethnicity",
        _ETHNICITY,
        (rf"(?:^|(?<=[,:、/|()\[\]【】\s。!?;])){_ETHNIC}(?=$|[,:、/|()\[\]【】\s。!?;])",),
        view="spaced",
    ),
    _Group(
        "religion",
        _RELIGION,
        (
            rf"{_BELIEVER}(?:的|者|人员|人士|员工)?(?:{_EXCLUDED}|优先)",
            r"(?:无|没有|不得有|不能有|不)(?:宗教信仰|信仰宗教|信教|宗教)",
            rf"(?<!不)(?:{_ONLY}|要求|须为|需为|须是|必须是)(?:{_BELIEVER}|无神论者)",
            rf"{_REFUSE}{_BELIEVER}",
        ),
    ),
    _Group(
        "health",
        _HEPATITIS_B,
        (
            rf"{_HBV}(?:病毒)?(?:病原)?(?:携带者?|患者|阳性|阴性|检查|检测|项目|指标|正常)?"
            rf"(?:的|者)?{_EXCLUDED}?",
        ),
    ),
    _Group(
        "health",
        _BLANKET_HEALTH,
        (
            r"(?:身体健康)?(?:无|没有|不能有|不得有)(?:任何|各类|一切|各种|重大|严重|既往)?"
            r"(?:慢性|遗传性?|精神类?|家族|传染性?)?(?:疾病史|病史|疾病|病)(?:史)?(?!假|休|号)",
            r"(?:艾滋病|hiv|传染病)(?:病毒)?(?:携带者?|感染者|患者|阳性)?(?:的|者)?" + _EXCLUDED,
            r"(?:病人|病史者|有病|病号)(?:的|者)?" + _EXCLUDED,
        ),
    ),
    _Group(
        "disability",
        _DISABILITY,
        (
            rf"(?:残疾|残障|伤残|肢残|聋哑|聋人|哑巴|盲人|视障|听障|瘸子|残废)(?:人|人士|人员|者|的)?"
            rf"{_EXCLUDED}",
            rf"{_REFUSE}(?:残疾|残障|伤残|聋哑|盲人|视障|听障)",
            r"(?:身体|本人)?(?:无|没有|不能有|不得有)(?:任何)?(?:残疾|残障|伤残|身体缺陷|生理缺陷|肢体缺陷)",
            r"(?:身体|肢体|四肢|五官|身心)(?:健全|完好|无缺陷)",
        ),
    ),
    _Group(
        "age",
        _AGE,
        (
            rf"(?:年龄)?(?:要求)?(?:在)?(?P<low>{_NUM}){_AGE_UNIT}?(?:-|至|到)"
            rf"(?P<high>{_NUM}){_AGE_UNIT}(?:之间|以内)?{_NOT_CHILDREN}",
            rf"年龄(?:要求)?(?:在)?(?P<low>{_NUM}){_AGE_UNIT}?(?:-|至|到)(?P<high>{_NUM})",
        ),
        accepts=_worker_age_band,
    ),
    _Group(
        "age",
        _AGE,
        (
            rf"(?:年龄)?(?:要求)?(?:在)?(?P<age>{_NUM}){_AGE_UNIT}(?:以下|以内|之内|之下|及以下)"
            rf"{_NOT_CHILDREN}",
            rf"(?:年龄)?(?:不超过|不得超过|不能超过|不大于|不高于|小于|未超过|最大|上限)"
            rf"(?P<age>{_NUM}){_AGE_UNIT}",
            rf"年龄(?:不超过|不得超过|不能超过|不大于|不高于|小于|上限)(?P<age>{_NUM})",
            rf"(?P<age>{_NUM}){_AGE_UNIT}(?:以上|及以上)(?:的|者|人员)?{_EXCLUDED}",
        ),
        accepts=_worker_upper_limit,
    ),
    _Group(
        "age",
        _AGE,
        (
            rf"(?<!不){_ONLY}(?:[5-9][05]|0[05]|1[05])+后",
            rf"(?:[5-9][05]|0[05]|1[05])后(?:的)?(?:优先|为主|{_EXCLUDED})",
            rf"(?<!不)(?:{_ONLY}|要求)年轻",
            r"年轻(?:人|女性|男性|女孩|男孩|小伙|姑娘|的)?优先",
            rf"(?:退休人员|退休|中老年人?|老年人|老人|大龄|超龄)(?:的|者|人员)?{_EXCLUDED}",
        ),
    ),
    _Group(
        "worker_fee",
        _WORKER_FEE,
        (
            r"(?:收取|收|交纳|缴纳|交|缴|预交|先交|需交|须交|要交|需缴|须缴|预缴|另交|另收|自付|支付|"
            r"承担|扣除|扣|需要|需|须|要)(?:\d+元?|一定|少量|部分)?(?:的)?"
            r"(?:[\u4e00-\u9fff]{1,3}费(?:和|及|与|或|以及)?)?" + _FEE,
            _FEE + r"(?:\d+元?|自理|自付|自费|由?个人承担|由?本人承担|由?员工承担|"
            r"从(?:首月)?工资中?扣除?|在?工资中扣除?|先交|需交|须交|另收|另付|入职时?交|上岗前交|入职扣|首月扣)",
            r"\d+元(?:的)?" + _FEE,
            _FEE + r"[^。!?;\n]{0,10}?(?:退还|返还|退回|离职退|干满)",
        ),
    ),
    _Group(
        "id_card_retention",
        _ID_CARD,
        (
            rf"(?:扣押|扣留|暂扣|扣|押|收押|抵押|押下|压|代为?保管|统一保管|保管|代管|收走|收缴|上交|没收)"
            rf"(?:员工|劳动者|个人|本人|工人)?(?:的)?{_DOCUMENT}",
            rf"{_DOCUMENT}(?:需|须|要|必须|一律|统一)?"
            r"(?:(?:交由|交给|交|放在|留在|押在|押于|押给|存放在|存在)"
            r"(?:公司|单位|老板|店里|店铺|店内|厂里|工地|项目部|我司|本公司|财务|人事|中介|负责人|带班)"
            r"(?:统一)?(?:保管|扣押|暂扣|暂存|代管|存放)?"
            r"|(?:由|交由)?(?:公司|单位|老板|店里|厂里|工地|项目部|我司|本公司|财务|人事|中介|负责人|带班)?"
            r"(?:统一)?(?:保管|扣押|暂扣|暂存|代管|收走|押|抵押|扣留|存放))",
            # "身份证需交由经理保管": whoever holds it, within the sentence
            rf"{_DOCUMENT}(?:(?!复印|核验|查验|验证|退还|归还)[^。!?;\n]){{0,8}}?"
            r"(?:保管|扣押|暂扣|代管|扣留|收走)",
        ),
    ),
)

# --- Exclusion verbs and protected groups --------------------------------------------------------
#
# The rules above list phrases. The ones below read a refusal the way a sentence says it: an
# exclusion verb ("不招收", "不录用", "谢绝", "恕不接受", "不要", "拒收" …) followed within a
# few characters of the same clause by a protected group ("谢绝有宗教信仰的人员"), or a group
# followed by the verb ("乙肝携带者一律不予录用"), or everybody but one group refused
# ("除本地人以外一律不招"). They read the clause view: a comma ends the window, so a verb never
# reaches a group of the next item ("谢绝中介，男女均可"). The groups are one vocabulary per
# category; a word missing from it only matters for that word, not for the verbs.

# Verbs that refuse what follows them. "不要求" (no requirement) and "拒绝歧视" are no refusal.
_REFUSE_VERB = (
    r"(?:(?:恕|概|一律|均|都|暂|绝|坚决|统统|全部)?不(?:予|再)?"
    r"(?:招收|招聘|招募|招用|招|聘用|聘请|聘|雇佣|雇用|雇|录用|录取|接受|接收|考虑|欢迎)"
    r"|谢绝|婉拒|拒招|拒聘|拒用|拒录|拒绝(?!歧视)|禁招|(?:禁止|严禁)招(?:收|用|聘)?)"
)
# "不要", "不用" refuse what follows them ("不要外地人"), but not a requirement ("不要求")
_REFUSE_WANT = r"(?:(?:恕|概|一律|都|暂)?不(?:要(?!求)|用))"
# "不收", "拒收" refuse people, unless the clause goes on to money ("不收外地员工任何费用").
_REFUSE_TAKE = r"(?:(?:恕|概|一律|均|都|暂)?不(?:予)?收|拒收)"
_NOT_A_FEE = r"(?![^,。!?;\n]{0,8}?(?:费|押金|保证金|钱))"
# Up to four characters of the same clause between the verb and the group ("谢绝有…",
# "不录用户籍为…"); never "是否", "有无" (no refusal: "不考虑是否已婚") or a comma.
_WINDOW = r"(?:(?!是否|有无|有没有|与否|歧视|以外|之外)[^,。!?;\n]){0,4}?"
# Nobody refuses "歧视": "拒绝对乙肝携带者的歧视".
_NOT_DISCRIMINATION = r"(?!的?(?:就业)?歧视)"
# What may stand between a group and the verb after it ("外地户籍人员一律不予考虑").
_PEOPLE = r"(?:的|者|人员|人士|应聘者|求职者|员工|工人|同胞|朋友|同志|人|群体|女性|男性)"
_ADVERB = r"(?:一律|均|都|概|统统|全部|暂|请|恕|将|则|我们|本店|我司|本公司|公司|本单位)"
# A group followed by these is refused: the verbs, the "勿扰" words, and "不要"/"不用" only
# at the end of a clause ("女性不要" refuses, "女性不要穿高跟鞋" does not).
_REFUSED_AFTER = (
    rf"(?:{_REFUSE_VERB}|{_REFUSE_TAKE}(?=$|[,。!?;\n])|勿扰|免谈|莫扰|勿来|勿投|请勿|慎投|止步|"
    r"绕行|绕道|除外|免问|(?:不要|不用)(?=$|[,。!?;\n]))"
)

# Each category's protected groups as a refusal names them (the excluded side).
_REFUSED_GROUPS: Final[Mapping[Category, str]] = {
    # a sex qualified by marriage or pregnancy ("哺乳期女性", "已婚女性") is a marital group
    "gender": (
        r"(?<![子儿孙期婚育异身妈])(?:男|女|妇女)"
        r"(?!装|鞋|包|款|式|厕|卫生间|宿舍|浴|科|儿|子(?:养生|会所|美容|spa))"
        r"(?:性|士|生|工|孩|子|的|人|同志|青年|员工|职工|学徒|同胞)?"
        r"|阿姨|大姐|大妈|大叔|小伙子?|姑娘|妹子"
    ),
    "marital_childbearing": (
        r"已婚|未婚|已育|未育|已孕|孕妇|孕期|怀孕|有孕|备孕|哺乳期?|孕产期|产妇|宝妈|带娃的|"
        r"有孩子|有小孩|有娃|单亲|离异|离婚|再婚|二胎|二孩|三胎|生育(?:计划|打算|意向)|生孩子|"
        r"要孩子|新婚|准妈妈|单身(?!公寓|宿舍)"
    ),
    "household_registration": (
        r"(?:外地|外省|外市|外县|外乡|非本地|非本市|非本省|非本县|非本区|异地)"
        r"(?:户籍|户口|户藉|籍|人员|人士|务工人员|人|的)?"
        r"|外来(?:务工)?(?:人员|人口|人|工)"
        r"|(?:农村|乡下|农业|城镇|非农业?)(?:户籍|户口|户藉|籍|人员|人|的)"
        rf"|{_PLACES}(?:籍|人|户口|户籍|生源|老乡)"
    ),
    "ethnicity": rf"{_ETHNIC}|(?:其他|其它|别的)民族",
    "religion": (
        r"(?:有|持有)(?:宗教信仰|信仰|宗教)|信教|信仰宗教|宗教人士|宗教信徒|信徒|教徒|穆斯林|"
        r"基督徒|天主教徒|佛教徒|伊斯兰教徒|道教徒|信(?:基督|天主|佛|伊斯兰|道)教?|信主|信耶稣"
    ),
    "health": (
        r"(?:艾滋病|hiv|传染病|肝炎|结核病?|性病|精神病|癫痫|慢性病|重大疾病|疾病|病史|有病|"
        r"患病|病人|病号)(?:病毒)?(?:史|携带者?|感染者|患者|阳性|者)?"
    ),
    "disability": (
        r"残疾|残障|伤残|肢残|聋哑|聋人|哑巴|盲人|视障|听障|视力障碍|听力障碍|瘸子|残废|"
        r"(?:身体|生理|肢体)缺陷|口吃|结巴"
    ),
    "age": (
        rf"(?:超过|大于|高于|年过|年龄超过|年龄大于)(?P<over>{_NUM}){_AGE_UNIT}"
        rf"|(?P<above>{_NUM}){_AGE_UNIT}(?:以上|及以上|或以上)"
        r"|大龄|超龄|高龄|中老年人?|老年人|退休(?:人员|人士|返聘)?|年纪(?:偏|太|过)?大|"
        r"年龄(?:偏|太|过)大"
    ),
}
# The groups that "除…以外" keeps ("除本地人以外一律不招": everybody else is refused).
_KEPT_GROUPS: Final[Mapping[Category, str]] = {
    "gender": r"(?:男|女)(?:性|士|生|工|的)?",
    "marital_childbearing": r"已婚|未婚|已育|未育",
    "household_registration": (
        rf"(?:本地|本市|本省|本县|本区|当地|本村|本镇|{_PLACES})(?:户籍|户口|籍|人员|人)?"
    ),
    "ethnicity": r"汉族|汉人",
}
# Hepatitis B has its own explanation: the group is a health group like the others.
_REFUSED_HEPATITIS_B = rf"{_HBV}(?:病毒)?(?:病原)?(?:携带者?|患者|阳性|感染者)?"
_EXPLANATIONS: Final[Mapping[Category, StrPromise]] = {
    "gender": _GENDER,
    "marital_childbearing": _MARITAL,
    "household_registration": _HUKOU,
    "ethnicity": _ETHNICITY,
    "religion": _RELIGION,
    "health": _BLANKET_HEALTH,
    "disability": _DISABILITY,
    "age": _AGE,
}


def _older_worker(match: re.Match[str]) -> bool:
    """An age refused above working age ("50岁以上"), not "未满16周岁" or no number at all."""
    number = match["over"] or match["above"]
    return number is None or _age(number) > 18


def _refusals(category: Category, group: str, explanation: StrPromise) -> _Group:
    refused: tuple[str, ...] = (
        # the verb, then the group ("不招收女性", "谢绝有宗教信仰的人员")
        rf"{_REFUSE_VERB}{_WINDOW}(?:{group}){_NOT_DISCRIMINATION}",
        rf"{_REFUSE_WANT}{_WINDOW}(?:{group}){_NOT_DISCRIMINATION}",
        rf"{_REFUSE_TAKE}{_WINDOW}(?:{group}){_NOT_DISCRIMINATION}{_NOT_A_FEE}",
        # the group, then the verb ("乙肝携带者一律不予录用", "外地人不要")
        rf"(?:{group}){_PEOPLE}{{0,3}}{_ADVERB}{{0,3}}{_REFUSED_AFTER}",
    )
    kept = _KEPT_GROUPS.get(category)
    if kept:
        # everybody but one group ("除本地人以外一律不招", "汉族以外民族不予考虑")
        refused += (
            rf"(?:除了?(?:{kept})(?:以外|之外|外)|(?:{kept})(?:以外|之外))的?"
            rf"[\u4e00-\u9fff]{{0,4}}?{_ADVERB}{{0,3}}{_REFUSED_AFTER}",
        )
    return _Group(
        category,
        explanation,
        refused,
        view="clause",
        accepts=_older_worker if category == "age" else None,
    )


_REFUSAL_GROUPS: Final[tuple[_Group, ...]] = (
    *(
        _refusals(category, group, _EXPLANATIONS[category])
        for category, group in _REFUSED_GROUPS.items()
    ),
    _refusals("health", _REFUSED_HEPATITIS_B, _HEPATITIS_B),
)

RULES: Final[tuple[_Rule, ...]] = tuple(
    rule for group in (*_GROUPS, *_REFUSAL_GROUPS) for rule in group.rules
)

# Lawful phrases: a rule match that overlaps one of these is dropped.
_LAWFUL_PATTERNS: Final[tuple[str, ...]] = (
    # gender
    r"男女|女男|性别(?:不限|均可|无要求|不论)|不限性别|不论男女|无论男女|不分男女|性别年龄不限",
    # marriage and children
    r"(?:不问|不限|不论|不查|不涉及)婚育(?:状况|情况)?(?:要求|限制)?|婚育(?:状况|情况)?(?:不限|无要求)",
    r"无婚育(?:状况|情况)?(?:要求|限制)",
    r"(?:不问|不论|不限)婚否|婚否不限|已婚(?:员工|职工)可|孕检(?:假|时间)",
    # household registration
    r"(?:不限|不论|不分|无论)(?:户籍|户口|籍贯|城乡|地域)|(?:户籍|户口|籍贯|城乡|地域)(?:不限|均可|无要求|不论)",
    r"(?:本地|外地)(?:户籍|户口|人员|人)?(?:和|及|与|或)(?:本地|外地)(?:户籍|户口|人员|人)?",
    # ethnicity
    r"民族不限|不限民族|各民族|民族均可|不分民族|不论民族",
    r"(?:汉族|少数民族)(?:和|及|与|或)(?:汉族|少数民族)",
    # religion
    r"宗教信仰不限|不限宗教(?:信仰)?|不问宗教(?:信仰)?|不论宗教(?:信仰)?|宗教信仰自由|尊重[^。!?;\n]{0,8}宗教",
    # health
    rf"(?:不查|不检查|不检测|不含|不包括|不包含|不做|不要求|不作|不检|不问|无需|不需要?|不涉及|不设)"
    rf"[^。!?;\n]{{0,4}}{_HBV}(?:项目|检查|检测|指标)?",
    rf"{_HBV}(?:病毒)?(?:病原)?(?:携带者)?(?:可|均可|亦可|也可|欢迎|可以|不受影响|不影响)",
    rf"{_HBV}疫苗|欢迎{_HBV}|{_HBV}(?:防治|宣传|科普)",
    # disability
    r"残疾人(?:士)?(?:优先|亦可|也可|可|均可|专岗)|欢迎(?:残疾|残障)|适合(?:残疾|残障)|残疾人就业",
    # age
    r"年龄不限|不限年龄|年龄无要求|性别年龄不限|年满\d{2}周?岁",
    # fees
    rf"{_NO}(?:任何|一切)?(?:交纳|缴纳|交|缴|收取|收|支付)?(?:任何|一切)?(?:的)?"
    rf"(?:(?:{_FEE}|费用)(?:和|及|与|或)?)+",
    rf"{_FEE}(?:无|0元?|零元?|全免|免费|全部免费|由公司承担|公司承担|公司出|单位承担|公司报销|报销|免收|一律不收|不收)",
    rf"(?:凡|凡是|任何)[^。!?;\n]{{0,12}}(?:{_FEE}|收费|费用)[^。!?;\n]{{0,10}}"
    r"(?:诈骗|骗子|违法|举报|投诉|骗局)",
    rf"(?:谨防|警惕|小心|当心)[^。!?;\n]{{0,10}}(?:{_FEE}|收费)",
    rf"(?:负责|协助|帮助|帮忙|代为?|代收|办理|催收|核收|登记)(?:向|对|为)?[^。!?;\n]{{0,10}}?"
    rf"(?:{_FEE}|物业费|管理费|停车费|学费|费用)(?:\d+元?)?",
    rf"{_THIRD_PARTY}(?:的)?{_FEE}",
    rf"(?:向|对|为|帮){_THIRD_PARTY}(?:收取|收|退还|收缴)[^。!?;\n]{{0,6}}",
    # identity documents
    rf"(?:不|绝不|不会|不得|严禁|禁止|从不|无需|无须|不需要?|不用|不必)(?:扣押|扣|押|收|保管|收取|扣留|收押)"
    rf"(?:任何)?(?:员工|劳动者|个人)?(?:的)?(?:任何)?{_DOCUMENT}",
)
_LAWFUL: Final[tuple[re.Pattern[str], ...]] = tuple(re.compile(p) for p in _LAWFUL_PATTERNS)

# --- "Either is acceptable" --------------------------------------------------------------------
#
# A posting that names a group to say it does not matter is lawful: "已婚未婚均可", "本地、外地
# 皆可", "不论是否有宗教信仰", "有无孩子都可以", "残疾人与健全人同等录用". Read on the clause
# view (a comma ends them, so "谢绝已婚，未婚均可" still refuses), and never right after a word
# that limits ("只要已婚均可" limits).

# Both sides of each category, and the words for the category itself.
_EITHER_TERMS = "|".join(
    (
        r"(?:男|女)(?:性|士|生|工|孩|人(?!员|士))?|性别",
        r"已婚|未婚|已育|未育|已生育|未生育|(?:有|没有?|无)?(?:孩子|小孩)|宝妈|单身|离异|怀孕|"
        r"孕期|哺乳期|生育|婚否|婚育|婚姻",
        r"(?:本地|外地|本市|外市|本省|外省|本县|外县|省内|省外|市内|市外|区内|区外|县内|县外|"
        rf"城镇|农村|城市|乡村|城乡|农业|非农业?|哪里|哪儿|各地|全国各地|{_PLACES})"
        r"(?:户籍|户口|籍|人(?!员|士))?|户籍(?:所在地)?|户口(?:所在地)?|籍贯|地域|出身",
        rf"汉族|少数民族|各民族|各族(?:群众)?|{_ETHNIC}|(?:哪个|什么)?民族",
        rf"(?:有|无|没有|不)?(?:宗教信仰|信仰宗教|信教|信仰|宗教)|{_BELIEVER}",
        rf"{_HBV}(?:病毒)?(?:携带者|阳性|阴性)?|非携带者|携带者|阳性|阴性|健康状况",
        r"(?:有|无|没有)?(?:残疾|残障)(?:人(?!员|士))?|健全人|非残疾人",
        r"年轻人|中年人|老年人|中老年人?|青年人?|老中青|退休人员|学生|年龄(?:大小)?|岁数",
    )
)
# One item, atomic: once read it is not read again another way, so a long run of items costs
# linear time ("宗教信仰" is one item, never "宗教" then "信仰").
_EITHER_ITEM = (
    rf"(?>(?:有无|是否|有没有)?(?:{_EITHER_TERMS})(?:状况|情况)?"
    r"(?:的|者|人员|人士|朋友|同志|工友|求职者|应聘者)?(?:与否)?)"
)
_AND_OR = r"(?:和|或者?|与|及|以及|还是|跟|/)?"
_ACCEPTED = (
    r"(?:(?:均|都|皆|也|亦|一律|同样|一样)(?:可以?|行|欢迎|要|收|招|录用|接受|能|不限)"
    r"|不限|一视同仁|同等(?:录用|对待|欢迎)|无要求|不作要求)"
)
_REGARDLESS = (
    r"(?:不论|无论|不管|不分|不问|不拘|不限|不计|不看|不在乎|不介意|不要求|不区分|不歧视|"
    r"不排斥|不拒绝|不考虑(?=是否|有无|有没有)|(?:不会?|绝不|不得|不能|并不)(?:因为?|由于|以)|"
    r"(?:拒绝|反对|杜绝|禁止|严禁)?(?:就业)?歧视|一视同仁)(?:对待)?"
)
_LAWFUL_CLAUSE_PATTERNS: Final[tuple[str, ...]] = (
    # "已婚未婚均可", "男工女工均可", "有无孩子都可以", "外地工友也可以"
    rf"(?<![限招要收聘找需于])(?:{_EITHER_ITEM}{_AND_OR}){{0,7}}{_EITHER_ITEM}{_ACCEPTED}",
    # "不论是否已婚", "不管本地人外地人", "不歧视乙肝携带者", "不会因怀孕辞退"
    rf"{_REGARDLESS}(?:是否|有无|有没有|哪个|哪里|什么|任何)?"
    rf"(?:(?:有|是|为|携带|患有|身为)?{_EITHER_ITEM}{_AND_OR}){{1,8}}",
    # "拒绝女性歧视", "反对对乙肝携带者的歧视"
    r"(?:拒绝|反对|杜绝|禁止|严禁|不得|不会|没有|无)[^,。!?;\n]{0,8}?歧视",
)
_LAWFUL_CLAUSE: Final[tuple[re.Pattern[str], ...]] = tuple(
    re.compile(p) for p in _LAWFUL_CLAUSE_PATTERNS
)


# --- Screening ---------------------------------------------------------------------------------


def screen_posting(text: str, *, exceptions: Mapping[str, str] | None = None) -> list[Finding]:
    """Every offending phrase of ``text``, in order of position.

    ``exceptions`` maps a category to the reviewer's written justification (a lawful exception
    such as work closed to women by law). A finding of that category comes back with severity
    "allowed" and the justification attached. A blank justification counts as none. Only the
    categories in ``EXCEPTABLE_CATEGORIES`` can be excepted; naming any other is a ValueError.
    """
    justified = _justifications(exceptions or {})
    spaced, compact, clause = _normalise(text)
    views: dict[ViewName, _View] = {"spaced": spaced, "compact": compact, "clause": clause}

    lawful = [
        view.span(*m.span())
        for view, patterns in ((compact, _LAWFUL), (clause, _LAWFUL_CLAUSE))
        for p in patterns
        for m in p.finditer(view.text)
        if m.end() > m.start()
    ]
    found: list[Finding] = []
    for rule in RULES:
        view = views[rule.view]
        for match in rule.pattern.finditer(view.text):
            if match.end() == match.start() or (rule.accepts and not rule.accepts(match)):
                continue
            start, end = view.span(*match.span())
            if any(
                start < lawful_end and lawful_start < end for lawful_start, lawful_end in lawful
            ):
                continue
            found.append(_finding(text, start, end, rule, justified.get(rule.category)))
    return _merged(text, found)


def _justifications(exceptions: Mapping[str, str]) -> dict[Category, str]:
    for category in exceptions:
        if category not in CATEGORIES:
            raise ValueError(f"Unknown category of the lawful-content screen: {category!r}")
        if category not in EXCEPTABLE_CATEGORIES:
            raise ValueError(f"No justification makes {category!r} lawful")
    return {
        category: exceptions[category].strip()
        for category in EXCEPTABLE_CATEGORIES
        if exceptions.get(category, "").strip()
    }


def _finding(text: str, start: int, end: int, rule: _Rule, justification: str | None) -> Finding:
    severity: Severity = "warn" if rule.category == "age" else "block"
    if justification is not None:
        severity = "allowed"
    return Finding(
        phrase=text[start:end],
        start=start,
        end=end,
        category=rule.category,
        severity=severity,
        basis=BASES[rule.category],
        explanation=rule.explanation,
        justification=justification,
    )


def _merged(text: str, findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text and category: overlapping matches are joined."""
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (CATEGORIES.index(f.category), f.start, -f.end)):
        last = merged[-1] if merged else None
        if last and last.category == finding.category and finding.start < last.end:
            if finding.end > last.end:
                merged[-1] = replace(last, end=finding.end, phrase=text[last.start : finding.end])
            continue
        merged.append(finding)
    return sorted(merged, key=lambda f: (f.start, CATEGORIES.index(f.category)))
