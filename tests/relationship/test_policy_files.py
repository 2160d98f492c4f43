"""Policies in TOML and JSON files: round trips and errors naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship import Guard, Policy, Rule, load_policy
from strategies import policies

P = cc.relationship.DEFAULT_POLICY
STRICT = P.with_thresholds(client_min_purchases=5)


@st.composite
def policies_with_own_rules(draw: st.DrawFn) -> Policy:
    """Random thresholds and ladders, plus a rule with any text and number."""
    base = draw(policies() | st.just(Policy.default(supporter=True)))
    threshold = draw(st.integers(1, 1000) | st.floats(1.0, 1000.0))
    rule = Rule(
        id="loyalty.big_referrer",
        event="referral_made",
        dimension="loyalty",
        sources=("client",),
        target="advocate",
        guards=(
            Guard(metric="referrals", op="at_least", threshold=threshold),
        ),
        reason_code="big_referrer",
        description=draw(st.text()),
    )
    return base.with_rules(rule, first=draw(st.booleans()))


@given(policies_with_own_rules())
def test_toml_round_trip_keeps_the_fingerprint(policy: Policy):
    """Writing a policy as TOML and reading it back changes nothing."""
    again = Policy.from_toml(policy.to_toml())
    assert again == policy
    assert again.fingerprint == policy.fingerprint


def test_to_toml_names_the_fingerprint_and_every_rule():
    """The text says which policy it is and lists each rule as a table."""
    text = P.to_toml()
    assert f"# fingerprint {P.fingerprint}" in text
    assert text.count("[[rules]]") == len(P.rules)
    assert max(len(line) for line in text.splitlines()[:20]) <= 79


def test_a_file_of_thresholds_only_keeps_the_default_rules():
    """A field left out of the TOML takes its default."""
    policy = Policy.from_toml("lapse_inactivity_days = 200\n")
    assert policy == P.with_thresholds(lapse_inactivity_days=200)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "client_min_purchases = \nx = 1",
            "not valid TOML: Invalid value (at line 1, column 24)",
        ),
        ("client_min_purchase = 4", "'client_min_purchase': Extra inputs"),
        ("client_min_purchases = 'x'", "(got 'x')"),
        ("client_min_purchases = 1", "client_min_purchases must be at least"),
        (
            (
                '[[rules]]\nid = "x"\nevent = "first_purchase"\n'
                'dimension = "loyalty"\nsources = ["suspect"]\n'
                'target = "welcome"\nreason_code = "x"'
            ),
            "rule 'x' moves the loyalty dimension to 'welcome'",
        ),
    ],
    ids=["syntax", "unknown-key", "wrong-type", "invalid", "bad-rule"],
)
def test_from_toml_errors_give_the_key_and_value(text: str, fragment: str):
    """Bad TOML text raises PolicyError saying where and what."""
    with pytest.raises(PolicyError) as info:
        Policy.from_toml(text)
    assert fragment in str(info.value)


def test_from_toml_refuses_other_types():
    """Bytes are not text: ArgumentTypeError says to pass a string."""
    with pytest.raises(ArgumentTypeError, match="text must be a str"):
        Policy.from_toml(b"x = 1")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["a.toml", "a.json", "A.TOML"])
def test_load_policy_reads_either_format(tmp_path: Path, name: str):
    """The suffix, in any case, says the format; both round-trip."""
    policy = Policy.default(partner=True).with_thresholds(
        dissatisfaction_threshold=0.55
    )
    text = (
        policy.model_dump_json(indent=2)
        if name.endswith(".json")
        else policy.to_toml()
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert load_policy(path).fingerprint == policy.fingerprint
    assert load_policy(str(path)) == policy


def test_syntax_overrides_the_suffix(tmp_path: Path):
    """syntax= reads a file whatever its name; an unknown one is refused."""
    path = tmp_path / "policy.txt"
    path.write_text(STRICT.to_toml(), encoding="utf-8")
    assert load_policy(path, syntax="toml") == STRICT
    with pytest.raises(PolicyError, match="invalid policy: Invalid JSON"):
        load_policy(path, syntax="json")
    with pytest.raises(InvariantError, match="syntax"):
        load_policy(path, syntax="yaml")  # type: ignore[arg-type]


def test_load_policy_accepts_a_byte_order_mark(tmp_path: Path):
    """A file saved by an editor with a UTF-8 byte-order mark still loads."""
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbf" + P.to_toml().encode())
    assert load_policy(path) == P


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "p.yaml",
            b"",
            "suffix '.yaml'; name it .toml or .json, or pass syntax=",
        ),
        ("p.toml", b"win_back_window_days = -1", "p.toml: win_back_window"),
        ("p.json", b'{"ladder": ["client"]}', "p.json: the ladder must"),
        ("p.json", b"{", "p.json: invalid policy: Invalid JSON"),
        ("p.json", b'{"rules": 3}', "p.json: invalid policy setting 'rules'"),
        ("p.toml", b"a = '\xe9'", "not UTF-8 text (byte 0xe9 at offset 5)"),
    ],
    ids=["suffix", "toml", "json", "json-syntax", "json-type", "latin-1"],
)
def test_load_policy_errors_name_the_file(
    tmp_path: Path, name: str, content: bytes, fragment: str
):
    """Every error of a policy file starts with, or names, the file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert fragment in str(info.value)


def test_load_policy_says_when_a_file_is_missing(tmp_path: Path):
    """A missing file is a PolicyError naming it, not an OSError."""
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(missing)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy("nul\x00.toml")


def test_load_policy_refuses_what_is_not_a_path():
    """A policy object is not a path: ArgumentTypeError says what to pass."""
    with pytest.raises(ArgumentTypeError, match="path must be a path"):
        load_policy(P)  # type: ignore[arg-type]
