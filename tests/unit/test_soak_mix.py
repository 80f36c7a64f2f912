"""The soak benchmark's journey mix: ``--mix kind[=weight],...`` picks the kinds and their weights,
and the draw follows them (seeded, so a run is repeatable)."""

from __future__ import annotations

import collections

import pytest

from bench.soak import MIX, JourneyMix, mix_weights, parse_mix


def test_kinds_alone_keep_their_usual_weights() -> None:
    kinds, weights = parse_mix("status_check,abandon")
    assert kinds == ("status_check", "abandon") and weights == {}
    assert mix_weights(kinds, weights) == {"status_check": MIX["status_check"], "abandon": MIX["abandon"]}
    assert mix_weights((), {}) == MIX


def test_given_weights_replace_the_usual_ones_for_those_kinds() -> None:
    kinds, weights = parse_mix("licence_card=3, status_check")
    assert kinds == ("licence_card", "status_check") and weights == {"licence_card": 3}
    assert mix_weights(kinds, weights) == {"licence_card": 3, "status_check": MIX["status_check"]}


@pytest.mark.parametrize(
    "text", ["licence", "licence_card=0", "licence_card=-1", "licence_card=x", "licence_card=1.5"]
)
def test_a_bad_mix_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_mix(text)


def test_the_draw_follows_the_weights() -> None:
    mix = JourneyMix(7, ("licence_card", "policy_lookup"), {"licence_card": 1, "policy_lookup": 9})
    drawn = collections.Counter(mix.next()[0] for _ in range(2000))
    assert set(drawn) == {"licence_card", "policy_lookup"}
    assert 0.07 < drawn["licence_card"] / 2000 < 0.13  # 10 % expected
    one, other = (
        JourneyMix(7, ("licence_card", "policy_lookup"), {"licence_card": 1, "policy_lookup": 9})
        for _ in range(2)
    )
    assert [one.next()[0] for _ in range(50)] == [other.next()[0] for _ in range(50)]
