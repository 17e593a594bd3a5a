"""500 forged, replayed and stale button presses: each is answered and none changes anything.

Other people's tickets, other grids, residents pressing staff buttons, buttons left on a message
after the ticket was handed to someone else, presses of finished steps, and random bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from bot.dialogue.events import Answer, Incoming, Kind
from bot.domain.lifecycle import Action
from bot.domain.permissions import ASSIGNEE_ACTIONS, LEADER_ACTIONS, RESIDENT_ACTIONS
from storage.models import ConversationState
from tests.hostile.logscan import FIGURES, RECORDER
from tests.hostile.snapshot import STATE_TABLES, snapshot
from tests.integration.conftest import Chat, World

PRESSES = 500
STAFF_ONLY = sorted(ASSIGNEE_ACTIONS | LEADER_ACTIONS | {Action.CLOSE})


@dataclass
class Scene:
    """Tickets in several states and grids, and the people who must not touch them."""

    world: World
    tickets: dict[str, int]
    residents: dict[str, Chat]
    staff: dict[str, Chat]


def build_scene(world: World) -> Scene:
    hu, liu = world.staff("胡淑珍", 5001), world.staff("刘志强", 5002)  # G04 member, G04 leader
    zhu, han = world.staff("朱德明", 5003), world.staff("韩磊", 5004)  # G03 member, G03 leader
    tang = world.staff("唐建军", 5005)  # G04 police: same grid, not the assignee
    a, b, c = world.chat(1001), world.chat(1002), world.chat(1003)
    world.submit(a, "楼下垃圾桶满了好几天没人清理")  # T1 → 胡淑珍, accepted below
    hu.press("签收")
    world.submit(b, "垃圾桶满了没人清理")  # T2 → 胡淑珍, resolved below
    hu.press_data("t:accept:2")
    hu.press_data("t:resolve:2")
    hu.say("已清理")
    world.onboard(c, "后街11号")  # G03
    c.say("小区门口垃圾没人收")
    c.press("对，提交")  # T3 in G03
    world.deliver_all()
    world.submit(a, "垃圾站臭气熏天没人管")  # T4 → 胡淑珍, returned and re-dispatched
    hu.press_data("t:return:4")
    hu.say("不归我管")
    world.deliver_all()
    liu.press_data("t:assign:4")
    world.deliver_all()
    world.submit(b, "垃圾桶旁边全是苍蝇")  # T5, closed and rated below
    hu.press_data("t:accept:5")
    hu.press_data("t:resolve:5")
    hu.say("已处理")
    world.deliver_all()
    b.press_data("t:confirm:5")
    b.press_data("t:rate:5:4")
    d = world.chat(1004)
    world.onboard(d)  # a resident with no tickets at all
    statuses = [t.status for t in world.tickets()]
    assert statuses == ["accepted", "resolved", "assigned", "assigned", "closed"], statuses
    assert world.tickets()[3].assignee_id != world.tickets()[0].assignee_id  # T4 moved on
    return Scene(
        world,
        {f"T{i}": i for i in range(1, 6)},
        {"a": a, "b": b, "c": c, "d": d},
        {"hu": hu, "liu": liu, "zhu": zhu, "han": han, "tang": tang},
    )


def forged(scene: Scene, rng: random.Random) -> list[tuple[Chat, str]]:
    """Presses that must all be refused, by construction of the scene."""
    res, staff, t = scene.residents, scene.staff, scene.tickets
    presses: list[tuple[Chat, str]] = []
    for chat in res.values():  # residents pressing staff buttons, on any ticket
        presses += [(chat, f"t:{a}:{n}") for a in STAFF_ONLY for n in t.values()]
    mine = {"a": (1, 4), "b": (2, 5), "c": (3,), "d": ()}
    for name, chat in res.items():  # resident buttons on other people's tickets
        presses += [(chat, f"t:{a}:{n}") for a in RESIDENT_ACTIONS
                    for n in t.values() if n not in mine[name]]  # fmt: skip
    for name in ("zhu", "han"):  # another grid: every action on G04's tickets
        presses += [(staff[name], f"t:{a}:{n}") for a in Action for n in (1, 2, 4, 5)]
    presses += [(staff["hu"], f"t:{a}:{n}") for a in ASSIGNEE_ACTIONS for n in (3, 4)]  # stale
    presses += [(staff["tang"], f"t:{a}:1") for a in ASSIGNEE_ACTIONS]  # not the assignee
    presses += [(staff["hu"], "t:accept:1"), (res["b"], "t:rate:5:5"), (res["b"], "t:confirm:5"),
                (res["b"], "t:rate:2:9"), (res["b"], "t:rate:2:0"), (res["a"], "t:rate:1:5"),
                (staff["liu"], "t:assign:4"), (staff["hu"], "t:recategorise:3:noise")]  # fmt: skip
    junk = ["", ":", "t:", "t::1", "t:accept:", "t:accept:-1", "t:accept:1:2:3", "t:ACCEPT:1",
            "t:accept:0", "t:accept:99999", "t:accept:1\x00", "t:recategorise:1:nonsense",
            "fg:ok:1", "fg:no:2", "fg:me:yes", "fg:ok:x", "c:agree", "rt:merchant", "g:G01",
            "k:yes", "cat:noise", "\u202et:accept:1", "t:accept:１", "🙂" * 16]  # fmt: skip
    people = [*res.values(), *staff.values()]
    presses += [(rng.choice(people), data) for data in junk]
    while len(presses) < PRESSES * 3:  # random bytes, as Telegram allows (1-64 bytes)
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        presses.append((rng.choice(people), raw.decode("utf-8", "replace")))
    rng.shuffle(presses)
    return presses[:PRESSES]


def press(chat: Chat, data: str) -> list[str]:
    event = Incoming(Kind.BUTTON, chat.chat_id, chat.chat_id, data=data, message_ref="7")
    return [a.text for a in chat.app.engine.handle(event) if isinstance(a, Answer)]


def test_forged_and_replayed_presses_change_nothing(sqlite_world: World) -> None:
    scene = build_scene(sqlite_world)
    tables = (*STATE_TABLES, ConversationState)
    before = snapshot(sqlite_world.app.uow_factory, tables)
    failures = sum("event failed" in text for text in RECORDER.texts)
    presses = forged(scene, random.Random(5))
    for chat, data in presses:
        answers = press(chat, data)
        assert answers and all(answers), f"{data!r} by {chat.chat_id}: {answers}"
    assert snapshot(sqlite_world.app.uow_factory, tables) == before
    assert sum("event failed" in text for text in RECORDER.texts) == failures
    FIGURES["presses_forged"] = len(presses)


@pytest.mark.parametrize("data", ["t:accept:99999999999999999999", "t:accept:²"])
def test_a_ticket_number_no_database_can_hold_is_refused(sqlite_world: World, data: str) -> None:
    resident = sqlite_world.chat(1001)
    sqlite_world.onboard(resident)
    failures = sum("event failed" in text for text in RECORDER.texts)
    assert press(resident, data) == ["不能操作"]
    assert sum("event failed" in text for text in RECORDER.texts) == failures


def test_refused_forget_decisions_are_logged(sqlite_world: World) -> None:
    resident = sqlite_world.chat(1001)
    sqlite_world.onboard(resident)
    seen = len(RECORDER.texts)
    assert press(resident, "fg:ok:1") == ["不能操作"]
    assert any("forget: refused press" in text for text in RECORDER.texts[seen:])
