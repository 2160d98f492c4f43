import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

import customer_centric as cc
from customer_centric.exceptions import ArgumentTypeError
from customer_centric.plot import plot_loyalty_funnel


def test_bars_show_reached_and_current_per_rung():
    """One light bar per rung for reached, one dark bar for current."""
    states = [
        cc.RelationshipState(customer_id="A"),
        cc.RelationshipState(
            customer_id="B", loyalty="customer", peak_loyalty="client"
        ),
        cc.RelationshipState(
            customer_id="C", loyalty="advocate", peak_loyalty="advocate"
        ),
    ]
    funnel = cc.relationship.loyalty_funnel(states)
    ax = plot_loyalty_funnel(funnel)
    reached, current = ax.containers
    assert [b.get_width() for b in reached] == [3, 2, 2, 2, 1]
    assert [b.get_width() for b in current] == [1, 0, 1, 0, 1]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [r.stage.info.label_en for r in funnel.rungs]
    assert ax.yaxis_inverted()
    plt.close(ax.figure)


def test_draws_on_the_given_axes():
    """A caller's axes are used, not a new figure."""
    _, given = plt.subplots()
    assert (
        plot_loyalty_funnel(cc.relationship.loyalty_funnel([]), ax=given)
        is given
    )
    plt.close(given.figure)


@pytest.mark.parametrize(
    ("funnel", "ax", "match"),
    [
        (None, None, "funnel must be a LoyaltyFunnel"),
        ([], None, "funnel must be a LoyaltyFunnel"),
        (
            cc.relationship.loyalty_funnel([]),
            True,
            "ax must be a matplotlib Axes",
        ),
    ],
    ids=["none", "list", "bool-axes"],
)
def test_wrong_arguments_raise_our_error(
    funnel: object, ax: object, match: str
):
    """A funnel that is not one, or axes that are not, is refused by name."""
    with pytest.raises(ArgumentTypeError, match=match):
        plot_loyalty_funnel(funnel, ax=ax)  # type: ignore[arg-type]
