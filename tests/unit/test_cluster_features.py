"""Cluster features: the word prior, wire markers, slugs, signals and their storage form."""

from __future__ import annotations

import pickle

import pytest

from briefterm.brief._prior import UNLISTED_WEIGHT, specificity
from briefterm.brief._signals import is_figure, models, models_conflict
from briefterm.brief.features import (
    decode,
    encode,
    features_for,
    slug_words,
    strip_wire_markers,
)


def test_the_prior_weighs_rare_words_over_common_ones() -> None:
    # A story's name says more than the words every headline uses.
    assert specificity("sbarro") > specificity("bankruptcy") > specificity("review")
    assert specificity("review") > specificity("people")
    assert specificity("zqxjvtw") == UNLISTED_WEIGHT
    # Chinese: a common word weighs less than a rare name; a bigram across
    # two words ("车在" of "汽车在…") less than one of two rare characters.
    assert specificity("公司") < specificity("恒锐")
    assert specificity("车在") < specificity("恒锐")
    # Small numbers are everywhere; figures are evidence.
    assert specificity("3") < specificity("4.2") == specificity("300")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("UPDATE 2-GM hires law firms to probe recall", "GM hires law firms to probe recall"),
        ("REFILE-UPDATE 1-Oil falls on China data", "Oil falls on China data"),
        ("CORRECTED-Carney faces grilling", "Carney faces grilling"),
        (
            "Chiquita, Fyffes in $1.07 Billion Merger Deal -- Update",
            "Chiquita, Fyffes in $1.07 Billion Merger Deal",
        ),
        ("House Panel to Probe GM Recall (2)", "House Panel to Probe GM Recall"),
        ("Update on the outliner", "Update on the outliner"),
    ],
)
def test_wire_markers_are_dropped(title: str, expected: str) -> None:
    assert strip_wire_markers(title) == expected


def test_an_update_compares_equal_to_its_first_version() -> None:
    first = features_for("GM hires law firms it works with to probe recall response")
    update = features_for("UPDATE 3-GM hires law firms it works with to probe recall response")
    assert first == update


def test_slug_words() -> None:
    assert slug_words("https://x.example/2014/03/10/sbarro-files-for-bankruptcy/") == (
        "sbarro files for bankruptcy"
    )
    assert slug_words("https://x.example/news/pizza-chain-sbarro-1-3336132.html?x=1") == (
        "pizza chain sbarro"
    )
    assert slug_words("https://x.example/article?id=17418463") == ""
    assert slug_words("https://x.example/story/12345") == ""


def test_features_are_heaviest_first_and_weigh_the_slug_and_summary_half() -> None:
    f = features_for(
        "Sbarro files for bankruptcy",
        "The pizza chain filed in Delaware.",
        "https://x.example/sbarro-pizza-chain-bankruptcy/",
    )
    weights = dict(zip(f.tokens, f.weights, strict=True))
    assert f.tokens[0] == "sbarro"
    assert list(f.weights) == sorted(f.weights, reverse=True)
    assert weights["pizza"] == pytest.approx(0.5 * specificity("pizza"))
    assert weights["bankruptcy"] == pytest.approx(specificity("bankruptcy"))


def test_signals() -> None:
    assert is_figure("6.1") and is_figure("300") and not is_figure("3") and not is_figure("2014")
    assert models("Rivenna cuts Model Y prices") == {("model", "y")}
    assert models("Galaxy S24 and iPhone 15 Pro") == {("galaxy", "s24"), ("iphone", "15")}
    assert models("Top 10 phones of March 10") == frozenset()
    assert models("小米15发布") == {("小米", "15")}
    assert models("恒锐年产能15万辆") == frozenset()  # a quantity, not a model
    assert models("深度求索发布V4模型") == {("", "v4")}
    assert models_conflict({("model", "y")}, {("model", "3")})
    assert not models_conflict({("model", "y")}, {("model", "y"), ("model", "3")})
    assert not models_conflict({("nokari", "x5")}, {("zentro", "x5")})
    f = features_for("Voltaris to build battery plant in Brazil")
    assert f.places == {"brazil"}
    assert "model y" in features_for("Rivenna cuts Model Y prices").tokens


def test_features_survive_pickling_and_their_text_form() -> None:
    f = features_for(
        "Rivenna cuts Model Y prices in China by 8.5%",
        "里维纳宣布在中国下调Model Y售价。",
        "https://x.example/rivenna-cuts-model-y-prices-china/",
    )
    assert pickle.loads(pickle.dumps(f)) == f
    back = decode(encode(f))
    assert back.tokens == f.tokens
    assert back.weights == pytest.approx(f.weights, rel=1e-3)
    assert (back.figures, back.places, back.models) == (f.figures, f.places, f.models)
    empty = features_for("")
    assert decode(encode(empty)) == empty
    with pytest.raises(ValueError):
        decode(b"not features")
