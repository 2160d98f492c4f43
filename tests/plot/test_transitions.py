import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Annotation

import customer_centric as cc
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.plot import plot_transitions

POLICY = cc.relationship.DEFAULT_POLICY


def _arrows(ax: plt.Axes) -> list[Annotation]:
    return [
        t
        for t in ax.texts
        if isinstance(t, Annotation) and t.arrow_patch is not None
    ]


def _moves(policy: cc.relationship.Policy, dimension: str) -> set[tuple]:
    return {
        (source, target, rule.event)
        for source, target, rule in policy.moves(dimension)
    }


@pytest.mark.parametrize("dimension", ["loyalty", "lifecycle"])
def test_one_arrow_per_move_and_event(dimension: str):
    """Every stage is drawn, and every move once per event kind making it."""
    ax = plot_transitions(POLICY, dimension)
    stages = (
        POLICY.ladder if dimension == "loyalty" else tuple(cc.LifecycleStage)
    )
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    assert labels == [s.value.replace("_", "\n") for s in stages]
    assert len(_arrows(ax)) == len(_moves(POLICY, dimension))
    plt.close(ax.figure)


def test_arrow_colours_name_the_events():
    """The legend lists each event kind that moves a stage, in kind order."""
    ax = plot_transitions(POLICY, "loyalty")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    used = {event for _, _, event in _moves(POLICY, "loyalty")}
    assert legend == [
        k.replace("_", " ") for k in cc.relationship.EVENT_KINDS if k in used
    ]
    plt.close(ax.figure)


def test_the_cycle_shows_the_stage_groups():
    """Lifecycle stages are coloured by group, and the legend says which."""
    ax = plot_transitions(POLICY, "lifecycle")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-4:] == ["prospective", "healthy", "in trouble", "gone"]
    boxes = {
        t.get_text(): t.get_bbox_patch().get_facecolor()
        for t in ax.texts
        if t.get_text()
    }
    assert boxes["welcome"] == boxes["getting\nto\nknow"]
    assert boxes["welcome"] != boxes["intensive\ncare"]
    plt.close(ax.figure)


def test_opt_in_rungs_are_drawn():
    """A policy with the supporter and partner rungs draws them."""
    policy = cc.relationship.Policy.default(supporter=True, partner=True)
    ax = plot_transitions(policy, "loyalty")
    assert [t.get_text() for t in ax.texts if t.get_text()][-3:] == [
        "supporter",
        "advocate",
        "partner",
    ]
    assert len(_arrows(ax)) == len(_moves(policy, "loyalty"))
    plt.close(ax.figure)


def test_draws_on_the_given_axes():
    """A caller's axes are used, not a new figure."""
    _, given = plt.subplots()
    assert plot_transitions(ax=given) is given
    plt.close(given.figure)


def test_bad_arguments_are_refused():
    """A non-policy or an unknown dimension gets our error."""
    with pytest.raises(ArgumentTypeError, match="policy"):
        plot_transitions("default")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="dimension"):
        plot_transitions(POLICY, "ladder")  # type: ignore[arg-type]
