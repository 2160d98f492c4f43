import re

import pytest

import customer_centric as cc

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


@pytest.mark.parametrize(
    "enum_type", [cc.LoyaltyStage, cc.LifecycleStage], ids=lambda t: t.__name__
)
def test_ranks_follow_declaration_order(
    enum_type: type[cc.LoyaltyStage] | type[cc.LifecycleStage],
) -> None:
    """Ranks are 1, 2, 3, ... in the order the stages are declared."""
    assert [s.rank for s in enum_type] == list(range(1, len(enum_type) + 1))


@pytest.mark.parametrize(
    "stage",
    [*cc.LoyaltyStage, *cc.LifecycleStage],
    ids=lambda s: f"{type(s).__name__}.{s.name}",
)
def test_every_stage_has_complete_metadata(
    stage: cc.LoyaltyStage | cc.LifecycleStage,
) -> None:
    """Every stage has a snake_case value, both labels and a source."""
    info = stage.info
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", stage.value)
    assert info.label_en
    assert ARABIC_SCRIPT.search(info.label_fa)
    assert info.source
    assert not (info.is_active and info.is_terminal)


@pytest.mark.parametrize(
    ("stage", "actual"),
    [
        (cc.LoyaltyStage.SUSPECT, False),
        (cc.LoyaltyStage.PROSPECT, False),
        (cc.LoyaltyStage.CUSTOMER, True),
        (cc.LoyaltyStage.CLIENT, True),
        (cc.LoyaltyStage.ADVOCATE, True),
        (cc.LifecycleStage.ACQUISITION, False),
        (cc.LifecycleStage.WELCOME, True),
        (cc.LifecycleStage.INTENSIVE_CARE, True),
        (cc.LifecycleStage.POTENTIAL_DIVORCE, True),
        (cc.LifecycleStage.DIVORCE, False),
        (cc.LifecycleStage.WIN_BACK, False),
    ],
    ids=lambda v: getattr(v, "value", str(v)),
)
def test_actual_customer_flag(
    stage: cc.LoyaltyStage | cc.LifecycleStage, actual: bool
) -> None:
    """Only stages after a purchase and before departure count as actual."""
    assert stage.info.is_actual_customer is actual


def test_only_divorce_is_terminal():
    """Divorce is the one terminal lifecycle stage (win-back can leave it)."""
    assert [s for s in cc.LifecycleStage if s.info.is_terminal] == [
        cc.LifecycleStage.DIVORCE
    ]


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (cc.LifecycleStage.ACQUISITION, "جذب"),
        (cc.LifecycleStage.WELCOME, "خوش\u200cآمدگویی"),
        (cc.LifecycleStage.INTENSIVE_CARE, "مراقبت شدید"),
        (cc.LifecycleStage.POTENTIAL_DIVORCE, "جدایی بالقوه"),
        (cc.LifecycleStage.WIN_BACK, "بازگرداندن"),
        (cc.LoyaltyStage.PROSPECT, "مشتری احتمالی"),
        (cc.LoyaltyStage.CLIENT, "مشتری وفادار"),
        (cc.LoyaltyStage.ADVOCATE, "مشتری حامی"),
    ],
    ids=lambda v: getattr(v, "value", "label"),
)
def test_persian_labels_follow_the_sources(
    stage: cc.LoyaltyStage | cc.LifecycleStage, label: str
) -> None:
    """Persian labels are the source texts' own words."""
    assert stage.info.label_fa == label


def test_optional_rungs():
    """Supporter and partner are the only opt-in rungs."""
    assert {s for s in cc.LoyaltyStage if s.is_optional} == {
        cc.LoyaltyStage.SUPPORTER,
        cc.LoyaltyStage.PARTNER,
    }
    assert cc.LoyaltyStage.SUPPORTER.rank < cc.LoyaltyStage.ADVOCATE.rank
    assert cc.LoyaltyStage.PARTNER.rank > cc.LoyaltyStage.ADVOCATE.rank


@pytest.mark.parametrize(
    ("reason", "situational"),
    [
        (cc.relationship.DepartureReason.MOVED_HOME, True),
        (cc.relationship.DepartureReason.NEW_JOB, True),
        (cc.relationship.DepartureReason.LIFE_EVENT, True),
        (cc.relationship.DepartureReason.SERVICE_FAILURE, False),
        (cc.relationship.DepartureReason.DISSATISFACTION, False),
        (cc.relationship.DepartureReason.PRICE, False),
        (cc.relationship.DepartureReason.COMPETITOR, False),
        (cc.relationship.DepartureReason.FIRM_TERMINATED, False),
        (cc.relationship.DepartureReason.UNKNOWN, False),
    ],
    ids=lambda v: getattr(v, "value", str(v)),
)
def test_situational_departures(
    reason: cc.relationship.DepartureReason, situational: bool
) -> None:
    """Moves, new jobs and life events are the situational reasons."""
    assert reason.is_situational is situational
    assert ARABIC_SCRIPT.search(reason.label_fa)


@pytest.mark.parametrize(
    ("group", "stages"),
    [
        ("prospective", {"acquisition"}),
        ("healthy", {"welcome", "getting_to_know", "account_management"}),
        ("in_trouble", {"intensive_care", "potential_divorce"}),
        ("gone", {"divorce", "win_back"}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_stage_groups_follow_the_cycle(group: str, stages: set[str]) -> None:
    """Each group holds the stages of Stone & Woodcock's cycle it names."""
    members = cc.relationship.StageGroup(group).stages
    assert {s.value for s in members} == stages
    assert all(s.group is cc.relationship.StageGroup(group) for s in members)


def test_every_stage_is_in_exactly_one_group() -> None:
    """The groups partition the lifecycle."""
    groups = [g.stages for g in cc.relationship.StageGroup]
    assert sum(len(g) for g in groups) == len(cc.LifecycleStage)
    assert frozenset().union(*groups) == frozenset(cc.LifecycleStage)
