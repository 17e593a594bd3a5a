"""Cues around keywords: negation scopes and urgency (immediate danger to people or property).

Negation is clause-local: a cue denies the words after it until punctuation or a contrast word
("不是噪音的问题，是油烟": 噪音 is denied, 油烟 is not). Two cue sets: *denial* (不是, 并非 …)
cancels a category keyword; the wider *urgency* set adds plain negation (没有, 没, 未 …),
hypotheticals (万一, 如果 …) and past-time words (上个月, 以前 …), because "没着火", "万一着火"
and "去年着火" are no emergency.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.tokenizer import Token

CLAUSE_BREAKS = frozenset(",.!?;:，。！？；：、\n…~～()（）[]【】\"“”'‘’")
CONTRAST_WORDS = frozenset(
    {"是", "而是", "就是", "只是", "但", "但是", "可是", "却", "而", "反而", "倒是", "其实", "结果"}
)
DENIAL_CUES = frozenset(
    {"不是", "并非", "并不是", "不属于", "不算", "并不算", "也不是", "都不是", "不像", "非"}
)
URGENCY_BLOCKERS = DENIAL_CUES | frozenset(
    {
        "没", "没有", "没什么", "未", "无", "不", "别", "不会", "不要", "并没有", "从没", "从来不",
        "防止", "预防", "以防", "以免", "避免", "防范", "万一", "如果", "假如", "要是", "一旦",
        "怕", "担心", "害怕", "容易", "可能", "会不会", "隐患", "上次", "上回", "之前", "以前",
        "去年", "前年", "上个月", "上月", "上周", "上星期", "曾经", "那次", "演练", "宣传", "培训",
    }
)  # fmt: skip

POST_BLOCKERS = frozenset(
    {"隐患", "风险", "演练", "宣传", "预案", "培训", "知识", "讲座", "检查", "排查", "防控"}
)
"""Words that, right after a danger word, make it a hazard or a topic ("火灾隐患", "疫情防控")."""

URGENT_TERMS = frozenset(
    {
        "着火", "起火", "失火", "火灾", "大火", "火情", "火苗", "明火", "烧起来", "烧着", "冒火",
        "冒烟", "浓烟", "黑烟", "全是烟", "火", "烟", "爆炸", "炸了",
        "煤气味", "燃气味", "天然气味", "漏气", "泄漏", "煤气泄漏", "燃气泄漏", "闻到煤气",
        "打架", "斗殴", "打人", "群殴", "互殴", "动手打", "动刀", "持刀", "拿刀", "砍人", "捅人",
        "刀", "枪", "抢劫", "抢包", "行凶", "家暴",
        "摔倒", "摔了", "跌倒", "倒地", "晕倒", "昏倒", "昏迷", "不省人事", "起不来", "爬不起来",
        "没反应", "没有反应", "没气", "流血", "大出血", "受伤", "救命", "急救",
        "自杀", "轻生", "跳楼", "想死", "不想活", "活不下去", "割腕", "寻死", "遗书",
        "疫情", "暴发", "爆发", "传染病", "集体发烧", "多人发烧", "食物中毒", "集体腹泻",
        "触电", "电火花", "火花", "冒火花", "漏电", "被困", "困在", "溺水", "坍塌", "塌了",
    }
)  # fmt: skip


def _is_break(token: Token) -> bool:
    return all(ch in CLAUSE_BREAKS for ch in token.text)


def negated_positions(tokens: Sequence[Token], cues: frozenset[str]) -> set[int]:
    """Indices of tokens inside the scope of a cue from ``cues``."""
    negated: set[int] = set()
    in_scope = False
    for index, token in enumerate(tokens):
        if _is_break(token) or token.text in CONTRAST_WORDS:
            in_scope = False
        elif token.text in cues:
            in_scope = True
        elif in_scope:
            negated.add(index)
    return negated


def urgent_terms(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The danger words of a message that are not negated, hypothetical or past."""
    blocked = negated_positions(tokens, URGENCY_BLOCKERS)
    found: list[str] = []
    for index, token in enumerate(tokens):
        term = _urgent_term(token.text)
        if term is None or index in blocked or term in found:
            continue
        following = {t.text for t in tokens[index + 1 : index + 3]}
        if following.isdisjoint(POST_BLOCKERS) and not _blocked_inside(token.text, term):
            found.append(term)
    return tuple(found)


def _urgent_term(word: str) -> str | None:
    """The danger word a token is or contains ("着火了" → 着火)."""
    if word in URGENT_TERMS:
        return word
    for size in range(len(word) - 1, 1, -1):
        for offset in range(len(word) - size + 1):
            if word[offset : offset + size] in URGENT_TERMS:
                return word[offset : offset + size]
    return None


def _blocked_inside(word: str, term: str) -> bool:
    """A blocker glued to the term inside one token ("没着火", "火灾隐患")."""
    before, _, after = word.partition(term)
    return any(before.endswith(b) for b in URGENCY_BLOCKERS) or any(
        after.startswith(b) for b in POST_BLOCKERS
    )
