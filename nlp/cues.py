"""Cues around keywords: negation scopes and urgency (immediate danger to people or property).

Negation is clause-local: a cue denies the words after it until punctuation or a contrast word
("不是噪音的问题，是油烟": 噪音 is denied, 油烟 is not). Two cue sets: *denial* (不是, 并非 …)
cancels a category keyword; the wider *urgency* set adds plain negation (没有, 没, 未 …),
hypotheticals (万一, 如果 …) and past-time words (上个月, 以前 …), because "没着火", "万一着火"
and "去年着火" are no emergency.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from nlp.memo import token_memo

# fmt: off
CLAUSE_BREAKS = frozenset(",.!?;:，。！？；：、\n…~～()（）[]【】\"“”'‘’")
CONTRAST_WORDS = frozenset(
    {"是", "而是", "就是", "只是", "但", "但是", "可是", "却", "而", "反而", "倒是", "其实", "结果"}
)
DENIAL_CUES = frozenset(
    {"不是", "并非", "并不是", "不属于", "不算", "并不算", "也不是", "都不是", "不像", "非"}
)
URGENCY_BLOCKERS = DENIAL_CUES | frozenset({
    "没", "没有", "没什么", "未", "无", "不", "别", "不会", "不要", "并没有", "从没", "从来不",
    "防止", "预防", "以防", "以免", "避免", "防范", "万一", "如果", "假如", "要是", "一旦",
    "怕", "担心", "害怕", "容易", "可能", "会不会", "隐患", "上次", "上回", "之前", "以前",
    "去年", "前年", "上个月", "上月", "上周", "上星期", "曾经", "那次", "演练", "宣传", "培训",
    "昨天", "昨晚", "前天", "前几天", "那天", "后来", "当时", "差点", "差一点", "好几次",
    "昨天晚上", "前天晚上", "快要",
})
"""Words that, before a danger word, make it negated, hypothetical or past."""

POST_BLOCKERS = frozenset({
    "隐患", "风险", "演练", "宣传", "预案", "培训", "知识", "讲座", "检查", "排查", "防控",
    "怎么逃生", "逃生", "过",
})
"""Words that, right after a danger word, make it a hazard, a topic or the past ("火灾隐患")."""

URGENT_TERMS = frozenset({
    # fire, explosion, electricity
    "着火", "起火", "失火", "火灾", "大火", "火情", "火苗", "明火", "烧起来", "烧着了", "冒火",
    "冒烟", "浓烟", "黑烟", "爆炸", "炸了", "冒火花", "电火花", "火花", "火星子", "触电",
    # gas
    "煤气味", "燃气味", "天然气味", "液化气味", "漏气", "煤气泄漏", "燃气泄漏", "闻到煤气",
    # violence and weapons
    "打架", "打起来", "打人", "斗殴", "群殴", "互殴", "动手", "动刀", "持刀", "拿刀", "菜刀",
    "砍人", "捅人", "刀", "枪", "棍子", "抢劫", "抢包", "行凶", "家暴", "弄死", "杀了",
    "打我", "推倒", "见血", "流血", "大出血", "砸东西",
    # a person in danger
    "晕倒", "昏倒", "昏迷", "不省人事", "叫不醒", "抽搐", "没气", "动不了", "说话不清楚",
    "中风", "救命", "快来人", "急救", "被困", "困在", "掉下去", "溺水", "走丢", "走失",
    # suicide
    "自杀", "轻生", "跳楼", "想死", "不想活", "活不下去", "活着没意思", "结束一切",
    "结束这一切", "割腕", "寻死", "遗书", "要跳", "一整瓶药",
    # epidemic, structures
    "疫情", "暴发", "传染病", "集体发烧", "多人发烧", "食物中毒", "集体腹泻", "坍塌", "塌下来",
})
"""Danger words that make a message urgent on their own (unless negated, hypothetical or past)."""

DANGER_SIGNS: dict[str, str] = {
    **dict.fromkeys(["烟", "全是烟", "火", "焦味", "烧焦", "电线", "漏电"], "fire"),
    **dict.fromkeys(["煤气", "燃气", "液化气", "天然气", "煤气罐", "煤气管"], "gas"),
    **dict.fromkeys(["漏了", "泄漏", "味道", "怪味", "异味", "嘶嘶", "闻到", "焦糊味", "糊味"], "smell"),
    **dict.fromkeys(["摔倒", "摔了", "跌倒", "倒地", "起不来", "爬不起来", "没反应", "晕",
                     "发烧", "高烧", "呕吐", "吐", "腹泻", "哭"], "body"),
    **dict.fromkeys(["围住", "威胁", "吵起来", "要钱", "撬", "陌生人", "跟踪", "取钱", "转账",
                     "出事", "锁在门外"], "threat"),
    **dict.fromkeys(["塌了", "开裂", "掉砖", "掉下来", "倒了", "压在", "卡在"], "structure"),
    **dict.fromkeys(["没动静", "敲不开", "联系不上", "迷路", "没回来", "好几天没", "没开门",
                     "不接", "没人接"], "absence"),
    **dict.fromkeys(["独居老人", "痴呆", "老年痴呆", "失智", "里面有人", "住着人", "有人住",
                     "一个人住", "栏杆外", "撑不下去", "倒在地上"], "vulnerable"),
}
"""Signs of danger that are urgent only together: two kinds, or one with a "now" word."""

PAIRED_ONLY = frozenset({"smell", "absence", "vulnerable"})
"""Kinds of sign that a "now" word alone does not make urgent (a bad smell right now)."""

IMMEDIATE = frozenset({
    "现在", "正在", "刚才", "刚刚", "快来", "快点", "马上", "赶紧", "越来越", "速来", "紧急",
    "急死", "拦不住", "!!", "!!!",
})
"""Words that say the danger is happening now."""

NOT_DANGER = frozenset({
    "跳楼价", "电子烟", "烟头", "香烟", "抽烟", "吸烟", "烟酒", "烟花", "烟囱", "火锅", "火车",
    "发火", "火气", "上火", "火爆", "火腿", "打火机", "刀削面", "吐槽", "哭穷", "动手动脚",
    "紧急呼叫器", "呼叫器", "紧急呼叫",
})
"""Tokens that contain a danger word but mean something else."""
# fmt: on


def _is_break(text: str) -> bool:
    return text in CLAUSE_BREAKS or (len(text) > 1 and set(text) <= CLAUSE_BREAKS)


def negated_positions(words: Sequence[str], cues: frozenset[str]) -> set[int]:
    """Indices of words inside the scope of a cue from ``cues``."""
    negated: set[int] = set()
    if cues.isdisjoint(words):
        return negated
    in_scope = False
    for index, text in enumerate(words):
        if text in CONTRAST_WORDS or _is_break(text):
            in_scope = False
        elif text in cues:
            in_scope = True
        elif in_scope:
            negated.add(index)
    return negated


def _contained(word: str, vocabulary: Collection[str]) -> str | None:
    """The word itself, or the longest vocabulary entry (2+ characters) inside it."""
    if word in vocabulary:
        return word
    if word in NOT_DANGER or len(word) < 3:
        return None
    longest = max(map(len, vocabulary), default=0)  # a long word costs no more than a short one
    for size in range(min(len(word) - 1, longest), 1, -1):
        for offset in range(len(word) - size + 1):
            if word[offset : offset + size] in vocabulary:
                return word[offset : offset + size]
    return None


@token_memo
def _danger(word: str) -> tuple[str | None, str | None]:
    """(danger word, danger sign) a token is or contains; remembered, tokens repeat a lot."""
    return (_contained(word, URGENT_TERMS), _contained(word, DANGER_SIGNS))


def _blocked_inside(word: str, term: str) -> bool:
    """A blocker glued to the term inside one token ("没着火", "火灾隐患")."""
    before, _, after = word.partition(term)
    return any(before[-n:] in URGENCY_BLOCKERS for n in range(1, min(len(before), 4) + 1)) or any(
        after[:n] in POST_BLOCKERS for n in range(1, min(len(after), 4) + 1)
    )


def _live(words: Sequence[str], candidates: list[tuple[int, str]]) -> list[str]:
    """The candidate words (index, term) that are not negated, hypothetical or past."""
    if not candidates:
        return []
    blocked = negated_positions(words, URGENCY_BLOCKERS)
    found: list[str] = []
    for index, term in candidates:
        if index in blocked or term in found:
            continue
        following = words[index + 1 : index + 3]
        if POST_BLOCKERS.isdisjoint(following) and not _blocked_inside(words[index], term):
            found.append(term)
    return found


def urgent_terms(words: Sequence[str]) -> tuple[str, ...]:
    """The words that make a message urgent (empty when it is not).

    Urgent: a danger word; or signs of two different kinds of danger (gas + smell, a fall +
    a person alone); or one sign with a word saying it is happening now.
    """
    dangers: list[tuple[int, str]] = []
    signs_at: list[tuple[int, str]] = []
    for index, text in enumerate(words):
        word, sign = _danger(text)
        if word is not None:
            dangers.append((index, word))
        if sign is not None:
            signs_at.append((index, sign))
    strong = _live(words, dangers)
    if strong:
        return tuple(strong)
    signs = _live(words, signs_at)
    kinds = {DANGER_SIGNS[s] for s in signs}
    now = [text for text in words if text in IMMEDIATE] if kinds else []
    if len(kinds) >= 2 or (now and kinds - PAIRED_ONLY):
        return tuple(signs + now[:1])
    return ()
