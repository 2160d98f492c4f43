"""Render a policy's rules as a Markdown page: tables and Mermaid diagrams.

The project's ``docs/rules.md`` is this rendering of
:data:`~customer_centric.relationship.DEFAULT_POLICY`; a test fails when they
differ.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from customer_centric._checks import check_choice, check_instance
from customer_centric._stages import LifecycleStage, LoyaltyStage
from customer_centric.relationship._policy import (
    DEFAULT_POLICY,
    Dimension,
    Guard,
    Policy,
    Rule,
    ThresholdName,
    check_policy,
)

__all__ = ["render_rules"]

# The numeric thresholds guards can name, then the other policy settings.
_THRESHOLD_FIELDS: Final = (
    *get_args(ThresholdName),
    "win_back_reentry_stage",
    "allow_out_of_order",
)


_HOW_RULES_WORK: Final = (
    "Rules are tried in order for the event's kind, separately in each "
    "dimension. The first rule whose sources include the current stage and "
    "whose guards all pass fires; *stay* accepts the event without moving. "
    "Rules whose guards fail, in a dimension where nothing fired, are "
    "reported as held. An event that no rule lists for either current stage "
    "is refused. Guards read the counters after the event is counted."
)


def _value(value: object) -> str:
    if isinstance(value, LoyaltyStage | LifecycleStage):
        return f"`{value.value}`"
    if isinstance(value, str):
        return f"`{value}`"
    return f"`{value!r}`"


def _guard(guard: Guard) -> str:
    return f"{guard.metric} {guard.op.replace('_', ' ')} {guard.threshold}"


def _target(rule: Rule) -> str:
    target = rule.target
    if isinstance(target, LoyaltyStage | LifecycleStage):
        return f"`{target.value}`"
    return f"*{target}*"


def _rules_table(policy: Policy, dimension: Dimension) -> list[str]:
    lines = [
        "| rule | event | from | to | guards | reason code | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in policy.rules:
        if rule.dimension != dimension:
            continue
        sources = ", ".join(f"`{s.value}`" for s in rule.sources)
        guards = "; ".join(_guard(g) for g in rule.guards) or "none"
        lines.append(
            f"| `{rule.id}` | `{rule.event}` | {sources} | {_target(rule)} "
            f"| {guards} | `{rule.reason_code}` | {rule.description} |"
        )
    return lines


def _mermaid(policy: Policy, dimension: Dimension) -> list[str]:
    start = (
        policy.ladder[0].value
        if dimension == "loyalty"
        else LifecycleStage.ACQUISITION.value
    )
    labels: dict[tuple[str, str], list[str]] = {}
    for source, target, rule in policy.moves(dimension):
        events = labels.setdefault((source.value, target.value), [])
        if rule.event not in events:
            events.append(rule.event)
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {start}"]
    lines.extend(
        f"    {source} --> {target}: {', '.join(events)}"
        for (source, target), events in labels.items()
    )
    lines.append("```")
    return lines


def _figure(policy: Policy, dimension: Dimension) -> list[str]:
    """A plot directive that draws the diagram when the docs are built."""
    if policy == DEFAULT_POLICY:
        made = "DEFAULT_POLICY"
    else:
        made = f"Policy.model_validate_json({policy.model_dump_json()!r})"
    return [
        "```{eval-rst}",
        ".. plot::",
        "",
        "   from customer_centric.plot import plot_transitions",
        "   from customer_centric.relationship import DEFAULT_POLICY, Policy",
        "",
        f'   plot_transitions({made}, "{dimension}")',
        "```",
    ]


_DIAGRAMS: Final = {"mermaid": _mermaid, "figures": _figure}


def render_rules(
    policy: Policy,
    /,
    *,
    title: str = "Relationship rules",
    diagrams: Literal["mermaid", "figures"] = "mermaid",
) -> str:
    """Render a policy's thresholds, rules and diagrams as a MyST page.

    Args:
        policy: The policy to document.
        title: The page title.
        diagrams: ``"mermaid"``: a Mermaid ``stateDiagram-v2`` per
            dimension, which GitHub and many wikis draw; ``"figures"``: a
            matplotlib plot directive per dimension that draws
            :func:`customer_centric.plot.plot_transitions` when a Sphinx
            site is built (no network, no diagram tool; needs the
            ``[plot]`` extra at build time).

    Returns:
        Markdown (MyST) text with a threshold table, and a diagram and a
        rule table per dimension.

    Examples:
        >>> from customer_centric.relationship import (
        ...     DEFAULT_POLICY,
        ...     render_rules,
        ... )
        >>> page = render_rules(DEFAULT_POLICY)
        >>> page.splitlines()[0]
        '# Relationship rules'
        >>> "stateDiagram-v2" in page and "`loyalty.client`" in page
        True

    .. versionadded:: 0.1
    """
    check_policy(policy)
    check_instance(title, str, name="title")
    diagram = _DIAGRAMS[
        check_choice(diagrams, tuple(_DIAGRAMS), name="diagrams")
    ]
    out = [
        f"# {title}",
        "",
        (
            "<!-- Generated by customer_centric.relationship.render_rules("
            f"{'DEFAULT_POLICY' if policy == DEFAULT_POLICY else 'policy'}, "
            f"diagrams={diagrams!r}); do not edit by hand. -->"
        ),
        "",
        (
            "This page is generated from the policy by "
            "{func}`customer_centric.relationship.render_rules`; "
            "`tests/relationship/test_rules_docs.py` fails when it differs "
            "from the rendering of "
            "{data}`customer_centric.relationship.DEFAULT_POLICY`."
        ),
        "",
        f"Policy fingerprint: `{policy.fingerprint}`",
        "",
        (_HOW_RULES_WORK),
        "",
        "## Thresholds",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    out.extend(
        f"| `{name}` | {_value(getattr(policy, name))} |"
        for name in _THRESHOLD_FIELDS
    )
    ladder = " → ".join(f"`{rung.value}`" for rung in policy.ladder)
    out += [
        "",
        (
            "Why each default was chosen is documented on "
            "{class}`customer_centric.relationship.Policy`."
        ),
        "",
        "## Loyalty ladder",
        "",
        f"Rungs, lowest first: {ladder}.",
        "",
        *diagram(policy, "loyalty"),
        "",
        *_rules_table(policy, "loyalty"),
        "",
        "## Relationship lifecycle",
        "",
        (
            "*resume* returns to the stage held before intensive care or "
            "potential divorce; *win_back_reentry* is the policy's "
            "`win_back_reentry_stage`."
        ),
        "",
        *diagram(policy, "lifecycle"),
        "",
        *_rules_table(policy, "lifecycle"),
        "",
    ]
    return "\n".join(out)
