"""A card on printed paper, or a patterned surface with no card: the card found is accepted
(the print around it is not the rest of a card), a crop that is the surface is never accepted,
and a refusal names what is wrong (no card, or a card too small), not the card's contrast."""

from __future__ import annotations

import pytest

from photos.processing import photo_judge

from .scoring import quad_iou, upright
from .synth.dataset import holdout_photo, holdout_refusal, kind_photos


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # the card found, traced all round, its layout inside; the page's print reaches its
        # edges from every side and once passed for the rest of a card around a part of it
        pytest.param("page", 550_000, 5, id="front-on-a-printed-page"),
        pytest.param("ruled", 550_000, 6, id="back-on-ruled-paper"),
        # a back beside a bank card on ruled paper, its edge faint (ΔE 3.8), traced over 0.81
        # of its length (not 0.85), its whole layout inside
        pytest.param("bank_card", 990_000, 3, id="faint-back-on-ruled-paper-traced-most-round"),
        # a back on ruled paper whose inside has the paper's mean colour and as much detail
        # (taken for a stretch of the paper: likeness 0.3), its emblem in place (1.33)
        pytest.param("ruled", 990_000, 3, id="back-of-the-papers-colour-on-ruled-paper"),
    ],
)
def test_a_card_found_on_printed_paper_is_accepted_not_called_a_part_of_a_card(kind, seed, index):
    # given a card lying on printed paper
    photo = holdout_photo(kind, seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is accepted, cropped to the card
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= 0.9


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # the outline of the whole sheet the card lies on (its print or grid inside the margin)
        pytest.param("page", 880_000, 5, id="the-printed-sheet-around-a-card"),
        pytest.param("ruled", 880_000, 0, id="the-squared-sheet-around-a-card"),
    ],
)
def test_the_sheet_a_card_lies_on_is_never_accepted_as_the_card(kind, seed, index):
    # given a card on a sheet of paper whose outline is as clean as a card's
    photo = holdout_photo(kind, seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then either the card is cropped, or the photo is refused for the card not found: never a
    # wrong crop accepted
    if result.ok:
        assert quad_iou(result.corners, photo.corners) >= 0.9
        assert upright(result.corners, photo.corners)
    else:
        assert result.reason in ("no_card", "too_small"), result


@pytest.mark.parametrize(
    ("seed", "index"),
    [
        # a crossing of a tiled table's grout lines passed for a card that blends into the desk
        pytest.param(880_000, 26, id="grout-lines-of-large-tiles"),
        # the outline of a printed sheet, its print inside
        pytest.param(880_000, 27, id="a-printed-sheet"),
    ],
)
def test_no_card_on_a_patterned_surface_is_refused_as_no_card_not_as_low_contrast(seed, index):
    # given a patterned surface and no card on it
    photo = holdout_refusal("no_card_on_pattern", seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then the investor is told no card was found
    assert (result.ok, result.reason) == (False, "no_card"), result


@pytest.mark.parametrize("index", [19, 21])
def test_a_tiny_card_on_tiles_is_refused_as_too_small_or_not_found(index):
    # given a card far too small to read, on a tiled table
    photo = holdout_refusal("tiny_on_pattern", 880_000, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then the refusal says the card is too small (or not found), not that it blends in
    assert not result.ok and result.reason in ("too_small", "no_card"), result


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # one side of the outline a few pixels off the card at a corner: the page's print just
        # inside that side (and the other end of the opposite side) read as a busy margin
        pytest.param("page", 20_262_200, 2, id="front-on-a-page-one-corner-off"),
        pytest.param("checked", 20_262_200, 4, id="back-on-checked-cloth-one-corner-off"),
    ],
)
def test_a_card_cropped_a_little_off_its_edge_is_not_called_the_sheet(kind, seed, index):
    # given a card on a printed page or a cloth, found with one corner a few pixels off
    photo = kind_photos(kind, seed, index + 1)[index]

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is accepted, cropped to the card: the surface showing at the very edge of the
    # outline is not print or a grid all along its inside
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= 0.9
    assert upright(result.corners, photo.corners)


def test_an_outline_well_off_the_card_over_ruled_paper_is_not_accepted():
    # given a card on ruled paper, an outline found one side well off it, over the paper's
    # lines (IoU 0.86)
    photo = kind_photos("ruled", 20_262_400, 7)[6]

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then the wrong crop is never accepted: the card, or a refusal for no card
    if result.ok:
        assert quad_iou(result.corners, photo.corners) >= 0.9
    else:
        assert result.reason in ("no_card", "too_small"), result
