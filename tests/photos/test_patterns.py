"""Cards on patterned surfaces: refused with what to do when the card cannot be told from the
surface, never cropped to the surface's lines; and judged in about the usual time."""

from __future__ import annotations

import math
import time

import cv2
import numpy as np
import pytest
from PIL import Image

from photos.processing import photo_judge
from photos.processing.decode import decode_photo
from photos.processing.detect import find_card, layout_likeness
from photos.processing.edges import EdgeField
from photos.processing.pipeline import MIN_LIKENESS, _exposed, _work_image
from photos.processing.thresholds import thresholds

from .scoring import quad_iou
from .synth import Scene, photograph, render_bank_card, render_card
from .synth.dataset import holdout_photo, holdout_seed, kind_photos, pattern_refusals

PLAIN_DESK = "纯色的桌面"


def _photo(background: str, *, card: bool = True, companion: bool = False, seed: int = 3):
    rng = np.random.default_rng(seed)
    scene = Scene(
        size=(1600, 1200),
        background=background,
        skew_deg=5.0,
        tilt_deg=(4.0, -3.0),
        area_fraction=0.2 if companion else 0.4,
        position=(0.0, 0.5) if companion else (0.5, 0.5),
        pattern_angle=0.4,
        companion=(8.0, 10.0) if companion else None,
        noise=2.0,
    )
    side = render_card("front", rng) if card else None
    bank = render_bank_card(rng) if companion else None
    return photograph(scene, side, rng, companion=bank)


def test_no_card_on_a_checked_cloth_is_refused_with_a_plain_desk_asked_for():
    # given a checked tablecloth, and no card on it
    data, _ = _photo("checked", card=False)

    # when
    result = photo_judge(data=data, side="front")

    # then it is refused as no card, and the investor is told to use a plain desk
    assert (result.ok, result.reason) == (False, "no_card")
    assert result.detail == "patterned_surface" and PLAIN_DESK in result.message


@pytest.mark.parametrize("background", ["form", "page", "keyboard", "tiles"])
def test_no_card_on_a_patterned_surface_is_never_accepted(background):
    # given a form, a printed page, a keyboard or a tiled table, and no card on it
    data, _ = _photo(background, card=False)

    # when
    result = photo_judge(data=data, side="front")

    # then it is refused (as no card, or as a card too small, when a patch of the surface
    # passes for one: either way the investor takes the photo again)
    assert not result.ok and result.reason in ("no_card", "too_small")


@pytest.mark.parametrize("background", ["checked", "striped", "keyboard", "tiles"])
def test_a_card_on_a_patterned_surface_is_cropped_to_the_card(background):
    # given
    data, truth = _photo(background)

    # when
    result = photo_judge(data=data, side="front")

    # then
    assert result.ok, result
    assert quad_iou(result.corners, truth) >= 0.9


def _pale_card_on_print(seed: int, side: str):
    """A pale card on a printed page, its edges along the lines of print, no shadow round it and
    near the frame's border: its faint edges are outscored by the lines of print, and the paper
    between the lines runs into its face."""
    rng = np.random.default_rng(seed)
    scene = Scene(
        size=(1440, 1080),
        background="page",
        quarter=1,
        skew_deg=-4.0,
        tilt_deg=(-2.0, 1.0),
        area_fraction=0.3,
        position=(0.2, 0.3),
        light=(1.6, 0.3, 1.0),
        shadow=False,
        pattern_angle=math.radians(93),
    )
    return photograph(scene, render_card(side, rng), rng)


@pytest.mark.parametrize("seed", [1, 6])
def test_a_pale_card_lying_along_the_lines_of_a_printed_page_is_cropped_to_the_card(seed):
    # given
    data, truth = _pale_card_on_print(seed, "back")

    # when
    result = photo_judge(data=data, side="back")

    # then
    assert result.ok, result
    assert quad_iou(result.corners, truth) >= 0.9


def test_a_bank_card_beside_the_id_card_is_not_taken_for_it():
    # given an ID card with a bank card beside it
    data, truth = _photo("wood", companion=True)

    # when
    result = photo_judge(data=data, side="front")

    # then the ID card is cropped, not the bank card
    assert result.ok, result
    assert quad_iou(result.corners, truth) >= 0.9


@pytest.mark.parametrize(
    ("seed", "index"),
    [
        # the card's nearest first outline is a few pixels off its edges: on edges alone it
        # ranks after twenty of the cloth's cells, each traced all round; it is refined all the
        # same (its inside is a card's, the cells' are the cloth's)
        pytest.param(20_261_500, 1, id="first-outline-rough-among-the-cells"),
        # a gingham cloth, the card's top edge faint against a pale row: refining puts that
        # side on the cloth's next line, which runs on past the card's corners (a hold-out
        # photo of seed 990000); its other three sides stop there, the portrait is inside
        pytest.param(990_000, 7, id="faint-edge-refined-onto-a-line-of-the-cloth"),
    ],
)
def test_a_card_on_a_checked_cloth_is_cropped_to_the_card_not_refused_as_the_pattern(seed, index):
    # given a card on a checked cloth
    photo = holdout_photo("checked", seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is cropped to the card
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= 0.9


@pytest.mark.parametrize(
    ("seed", "index"),
    [
        # a back, its edge pale against the paper: the best outline (IoU 0.88 before) had one
        # side on a crisp line of its print, a strip of the card left out
        pytest.param(20_261_330, 6, id="back-strip-left-out"),
        # a front, the same (IoU 0.82 before)
        pytest.param(20_261_340, 2, id="front-strip-left-out"),
    ],
)
def test_a_pale_card_on_a_form_is_cropped_to_its_edge_not_to_its_print(seed, index):
    # given a pale card on a form, the best outline a strip inside its faint edge
    photo = holdout_photo("form", seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then the whole card is cropped
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= 0.9


def _cpu_seconds(data: bytes) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        photo_judge(data=data, side="front")
        best = min(best, time.process_time() - start)
    return best


def test_no_surface_makes_the_judgement_take_much_longer_than_a_plain_desk():
    # given the same card on a plain desk and on the busiest surfaces (the work is bounded:
    # so many lines, so many outlines, whatever the surface shows)
    plain = _cpu_seconds(_photo("dark")[0])

    # when / then
    for background in ("page", "form", "checked", "keyboard"):
        assert _cpu_seconds(_photo(background)[0]) <= 2.5 * plain, background


def test_a_sheet_running_out_of_the_frame_is_not_taken_for_a_card():
    # given a form photographed at a slant, its corner and a strip of the desk in view, and no
    # card: the sheet's edge and the form's rules outline a card-like shape whose corners lie
    # outside the photo (a photo drawn for a check of the hold-out scorer, seed 567000)
    photo = pattern_refusals("none", 567_000, 1)[0]

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is refused as no card: a card's outline must lie inside the photo
    assert (result.ok, result.reason) == (False, "no_card")


def _flat_face(card) -> tuple[EdgeField, np.ndarray]:
    """A card's face filling a working-size image, on grey, and the outline of the whole."""
    canvas = Image.new("RGBA", card.size, (128, 128, 128, 255))
    canvas.alpha_composite(card.convert("RGBA"))
    rgb = cv2.resize(np.asarray(canvas.convert("RGB")), (480, 303), interpolation=cv2.INTER_AREA)
    return EdgeField(rgb), np.array([[0.0, 0.0], [479.0, 0.0], [479.0, 302.0], [0.0, 302.0]])


@pytest.mark.parametrize("side", ["front", "back"])
def test_a_bank_cards_face_does_not_pass_for_an_id_cards_layout(side):
    # given the faces of ID cards and of bank cards (every style: the silver-white one is as
    # pale as an ID card, and its logo sits where a turned card's emblem would)
    rng = np.random.default_rng(20_261_207)
    ids = [_flat_face(render_card(side, rng)) for _ in range(4)]
    banks = [_flat_face(render_bank_card(np.random.default_rng(s))) for s in range(12)]

    # when their layout is judged as the ID card's side
    id_like = [layout_likeness(field, quad, side)[0] for field, quad in ids]
    bank_like = [layout_likeness(field, quad, side)[0] for field, quad in banks]

    # then the ID cards hold the layout fully, no bank card holds enough of it to be taken
    assert min(id_like) == 1.0
    assert max(bank_like) < MIN_LIKENESS / 2


@pytest.mark.parametrize(
    ("kind", "seed", "index"),
    [
        # a silver-white bank card beside the front, traced more clearly than the ID card
        pytest.param("bank_card", 990_000, 6, id="bank-card-traced-better-than-the-card"),
        # a bank card beside the back, its red logo read as a turned card's emblem
        pytest.param("bank_card", 120_000, 0, id="bank-card-logo-read-as-an-emblem"),
        # the card's outline and the card with a strip of the keyboard beside it, nearly as
        # card-like: the card is the one of the card's proportion
        pytest.param("keyboard", 550_000, 7, id="card-and-a-strip-of-the-keyboard"),
        # the other way round: the best outline a strip inside the card, the card's own a
        # little larger and a little shorter (a strip of the card's face is not the surface)
        pytest.param("form", 990_000, 1, id="best-outline-a-strip-inside-the-card"),
        # the card, and around it a stretch of ruled paper twice its size, nearly as card-like
        # (its margin the paper's): the card holds the layout as clearly, it is a whole card
        pytest.param("ruled", 880_000, 0, id="card-on-a-stretch-of-ruled-paper"),
    ],
)
def test_a_card_beside_card_sized_clutter_is_found_not_the_clutter(kind, seed, index):
    # given a hold-out photo where a bank card or a strip of the surface beside the card
    # outscored the card
    photo = holdout_photo(kind, seed, index)
    decoded = decode_photo(photo.data, thresholds())
    work, scale = _work_image(decoded.rgb)
    truth = (np.asarray(photo.corners, float) + 0.5) / (scale * decoded.scale) - 0.5

    # when the card is looked for
    found, _ = find_card(_exposed(work), photo.side)

    # then the card's own outline is found
    assert found is not None
    assert quad_iou(found.quad, truth) >= 0.9


def test_a_stretch_of_a_page_around_a_cards_back_is_not_accepted_as_the_card():
    # given a hold-out photo of a card's back on a printed page, where an outline twice the
    # card's size over the page, the card and the print inside it, was accepted
    kind, seed = "page", 880_000
    photo = holdout_photo(kind, seed, 5)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is not accepted with that crop: the emblem, off its place, reads too faintly
    assert not result.ok or quad_iou(result.corners, photo.corners) >= 0.9


@pytest.mark.parametrize(
    ("kind", "seed", "index", "at_least"),
    [
        # a card's back on a form, its edge pale against the paper (ΔE 2.4–2.9), where the
        # best outline had its top and left sides out on the form's rules, a strip of the
        # paper inside (IoU 0.86): the top side is pulled in onto the card's edge; the left,
        # 4% of the card's width out, stays (IoU 0.96)
        pytest.param("form", 550_000, 6, 0.9, id="best-outline-out-on-a-forms-rules"),
        # a front on a printed page, its outline found (IoU 0.97), a line of print parallel to
        # its top side 20 px further out and plain paper between, onto which the widening put
        # that side (IoU 0.90): that paper is of the very colour of the paper just outside the
        # other sides, so not the card's margin
        pytest.param("page", 880_000, 16, 0.95, id="not-widened-over-paper-onto-print"),
    ],
)
def test_a_card_on_paperwork_is_cropped_to_the_card_not_to_its_rules_or_print(
    kind, seed, index, at_least
):
    # given a hold-out photo of a card on a form or a page
    photo = holdout_photo(kind, seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is cropped to the card
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= at_least


def test_a_card_on_a_page_is_never_cropped_with_a_band_of_the_print():
    # given a hold-out photo of a front on a printed page where the best outline had two sides
    # out on the lines of print, a band of the page inside (IoU 0.71), and the card's top edge
    # too faint against the paper to pull that side onto
    kind, seed, index = "page", 550_000, 3
    photo = holdout_photo(kind, seed, index)

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is cropped to the card, or refused as on a patterned surface (the investor
    # takes it again): never cropped with a band of the page
    if result.ok:
        assert quad_iou(result.corners, photo.corners) >= 0.9
    else:
        assert (result.reason, result.detail) == ("no_card", "patterned_surface")


@pytest.mark.parametrize(
    ("index", "at_least"),
    [
        # a back: the best outline's left side ran along the inner rim of its validity-date
        # column (IoU 0.86); the card's faint edge (0.54 of it traced) lies past the column and
        # a plain margin of the card's colour
        pytest.param(28, 0.95, id="back-side-on-its-date-column"),
        # a front: the left side ran along its ID-number column, print on both sides of it,
        # and the bottom along the portrait's frame (IoU 0.83)
        pytest.param(34, 0.95, id="front-side-on-its-number-column"),
    ],
)
def test_a_pale_card_on_a_white_desk_is_not_cropped_through_its_own_print(index, at_least):
    # given a hold-out photo of a pale card on a near-white desk, its edges so faint that an
    # outline along a column of its print scores better (the card has a plain margin outside
    # its outermost print: no side of it runs through print)
    photo = kind_photos("white_desk", holdout_seed("white_desk", 880_000), index + 1)[index]

    # when
    result = photo_judge(data=photo.data, side=photo.side)

    # then it is cropped to the card
    assert result.ok, result
    assert quad_iou(result.corners, photo.corners) >= at_least
