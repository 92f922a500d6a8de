"""Seeded sets of good and bad photos, drawn the way the quality bar describes them."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from photos.processing.thresholds import DEFAULTS

from .cards import render_bank_card, render_card
from .scenes import BACKGROUNDS, Scene, max_area_fraction, min_area_fraction, photograph
from .surfaces import PATTERNS

SMALL_SIZES = ((1280, 960), (960, 1280), (1600, 1200), (1200, 1600), (2048, 1536), (1440, 1080))
LARGE_SIZES = ((4000, 3000), (3000, 4000), (4032, 3024))


@dataclass(frozen=True)
class GoodPhoto:
    name: str
    side: str
    data: bytes
    corners: np.ndarray  # TL, TR, BR, BL of the upright card, displayed-photo pixels
    rotation: int
    scene: Scene


@dataclass(frozen=True)
class BadPhoto:
    name: str
    side: str
    data: bytes
    reason: str  # the reason class it must be refused with
    also: tuple[str, ...] = ()  # other reasons that are as right (a card lost on a pattern)


def random_scene(
    rng: np.random.Generator, size: tuple[int, int], backgrounds: tuple[str, ...] = BACKGROUNDS
) -> Scene:
    tilt, tilt_dir = rng.uniform(0, 12), rng.uniform(0, 2 * math.pi)
    scene = Scene(
        size=size,
        background=backgrounds[rng.integers(len(backgrounds))],
        quarter=int(rng.integers(4)),
        skew_deg=rng.uniform(-10, 10),
        tilt_deg=(tilt * math.cos(tilt_dir), tilt * math.sin(tilt_dir)),
        position=(rng.uniform(0, 1), rng.uniform(0, 1)),
        light=(rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.5), rng.uniform(0.85, 1.05)),
        noise=rng.uniform(1.5, 6),
        blur=rng.uniform(0, 0.8),
        jpeg_quality=int(rng.integers(60, 91)),
        shadow=bool(rng.random() < 0.5),
        exif_orientation=int(rng.choice([1, 1, 1, 1, 1, 6, 3, 8])),
    )
    top = min(0.8, max_area_fraction(scene, (1284, 810)))
    return replace(scene, area_fraction=rng.uniform(0.25, max(top, 0.26)))


def good_photos(seed: int, *, count: int = 60, large: int = 4) -> list[GoodPhoto]:
    """`count` acceptable photos, the first `large` of them at 12 megapixels."""
    rng = np.random.default_rng(seed)
    photos = []
    for i in range(count):
        sizes = LARGE_SIZES if i < large else SMALL_SIZES
        side = "front" if rng.random() < 0.5 else "back"
        scene = random_scene(rng, sizes[rng.integers(len(sizes))])
        data, corners = photograph(scene, render_card(side, rng), rng)
        photos.append(
            GoodPhoto(
                f"good-{i:03d}-{side}-{scene.background}",
                side,
                data,
                corners,
                90 * scene.quarter,
                scene,
            )
        )
    return photos


BLURRED = (0.0045, 0.01)  # a blurred photo's blur (Gaussian σ) as a share of the card's length


def blurred(scene: Scene, share: float) -> Scene:
    """`scene` blurred by `share` of the card's length (a photo taken out of focus or shaken)."""
    card_px = math.sqrt(scene.area_fraction * scene.size[0] * scene.size[1] * 1.585)
    return replace(scene, blur=card_px * share)


def _bad_scene(kind: str, rng: np.random.Generator, card) -> Scene:
    scene = random_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))])
    if kind == "blurred":
        return blurred(scene, rng.uniform(*BLURRED))
    if kind == "too_dark":
        return replace(scene, light=(scene.light[0], 0.2, rng.uniform(0.1, 0.2)))
    if kind == "glare":
        return replace(scene, glare=rng.uniform(0.5, 0.8), light=(0, 0.1, 1.0))
    if kind == "overexposed":
        return replace(scene, light=(0, 0.1, rng.uniform(2.2, 3.0)))
    if kind == "tiny_card":
        return replace(scene, area_fraction=rng.uniform(0.03, 0.07))
    if kind == "tiny_image":
        return replace(scene, size=((640, 480), (480, 360), (480, 640))[rng.integers(3)])
    if kind == "same_colour":  # the card's own background colour, give or take a shade
        colour = np.median(np.asarray(card)[..., :3].reshape(-1, 3), axis=0)
        return replace(
            scene,
            background_colour=tuple(colour + rng.uniform(-2, 2, 3)),
            shadow=False,
            light=(0, 0.1, 1.0),
        )
    return scene  # no_card


BAD_KINDS = (
    ("blurred", "blurred", 4),
    ("too_dark", "too_dark", 3),
    ("glare", "too_bright", 3),
    ("overexposed", "too_bright", 1),
    ("tiny_card", "too_small", 3),
    ("tiny_image", "too_small", 2),
    ("same_colour", "low_contrast", 3),
    ("no_card", "no_card", 3),
)


def bad_photos(seed: int) -> list[BadPhoto]:
    """Photos of every kind the service must refuse, with the reason it must give."""
    rng = np.random.default_rng(seed)
    photos = []
    for kind, reason, count in BAD_KINDS:
        for i in range(count):
            side = "front" if rng.random() < 0.5 else "back"
            card = render_card(side, rng)
            scene = _bad_scene(kind, rng, card)
            data, _ = photograph(scene, None if kind == "no_card" else card, rng)
            photos.append(BadPhoto(f"bad-{kind}-{i}", side, data, reason))
    good = good_photos(seed + 1, count=1, large=0)[0]
    photos += [
        BadPhoto("bad-truncated", good.side, good.data[: len(good.data) * 3 // 5], "unreadable"),
        BadPhoto("bad-text-as-jpg", "front", "这不是图片，只是文字。".encode() * 50, "unreadable"),
        BadPhoto("bad-random-bytes", "back", rng.bytes(50_000), "unreadable"),
    ]
    return photos


def _pattern_angle(rng: np.random.Generator) -> float:
    """Half the time square to the card (a card laid on a form along its lines), else any."""
    if rng.random() < 0.5:
        return math.radians(90 * int(rng.integers(4)) + rng.uniform(-4, 4))
    return rng.uniform(0, 2 * math.pi)


CARD = (1284, 810)  # the rendered card's size
# a good photo's card is large enough to read: its long sides 10% over the judge's least
READABLE = 1.1 * DEFAULTS["min_card_long_side"]


def _patterned_scene(rng: np.random.Generator, size: tuple[int, int], companion: bool) -> Scene:
    scene = random_scene(rng, size, PATTERNS + BACKGROUNDS if companion else PATTERNS)
    scene = replace(scene, pattern_angle=_pattern_angle(rng))
    if not companion:
        return scene
    # Room for a second card: the ID card smaller and pushed to one end of the frame.
    along = 0 if size[0] >= size[1] else 1
    position = [rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)]
    position[along] = 0.0 if rng.random() < 0.5 else 1.0
    turn = rng.uniform(-12, 12) + (90 if rng.random() < 0.25 else 0)
    least = max(0.15, min_area_fraction(scene, CARD, READABLE))
    return replace(
        scene,
        position=(position[0], position[1]),
        area_fraction=min(rng.uniform(least, max(least, 0.24)), max_area_fraction(scene, CARD)),
        companion=(turn, rng.uniform(4, 20)),
    )


def patterned_photos(seed: int, *, count: int = 40, large: int = 2) -> list[GoodPhoto]:
    """Acceptable photos on checked and striped cloth, printed pages and forms, keyboards and
    tiled tables, a quarter of them with a bank card beside the ID card (on any surface)."""
    rng = np.random.default_rng(seed)
    photos = []
    for i in range(count):
        sizes = LARGE_SIZES if i < large else SMALL_SIZES
        side = "front" if rng.random() < 0.5 else "back"
        companion = rng.random() < 0.25
        scene = _patterned_scene(rng, sizes[rng.integers(len(sizes))], companion)
        card = render_card(side, rng)
        data, corners = photograph(
            scene, card, rng, companion=render_bank_card(rng) if companion else None
        )
        name = f"pattern-{i:03d}-{side}-{scene.background}{'-bankcard' if companion else ''}"
        photos.append(GoodPhoto(name, side, data, corners, 90 * scene.quarter, scene))
    return photos


def patterned_bad_photos(seed: int, *, count: int = 12) -> list[BadPhoto]:
    """Photos on patterned surfaces that must be refused: a card far too small to read (refused
    as too small, or as not found: either tells the investor to retake it), and no card."""
    rng = np.random.default_rng(seed)
    photos = []
    for i in range(count):
        side = "front" if rng.random() < 0.5 else "back"
        scene = _patterned_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))], False)
        if i % 3 == 2:
            data, _ = photograph(scene, None, rng)
            photos.append(
                BadPhoto(f"bad-pattern-{i}-no-card-{scene.background}", side, data, "no_card")
            )
            continue
        scene = replace(scene, area_fraction=rng.uniform(0.03, 0.07))
        data, _ = photograph(scene, render_card(side, rng), rng)
        photos.append(
            BadPhoto(
                f"bad-pattern-{i}-tiny-card-{scene.background}",
                side,
                data,
                "too_small",
                ("no_card",),
            )
        )
    return photos


# Photos by kind: the kinds that passed on plain desks, and each patterned surface. Each builder
# turns a random plain scene into one of its kind; `kind_photos` draws a seeded set of one kind.
CARD_PX = (1284, 810)


def _plain(rng: np.random.Generator) -> Scene:
    return random_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))])


def _thumb(rng: np.random.Generator) -> Scene:
    return replace(_plain(rng), thumb="corner" if rng.random() < 0.5 else "edge")


def _glare(rng: np.random.Generator) -> Scene:  # a small spot (burnt out on 1–4% of the card)
    return replace(_plain(rng), glare=rng.uniform(0.06, 0.15))


def _filling(rng: np.random.Generator) -> Scene:
    scene = _plain(rng)
    top = max_area_fraction(scene, CARD_PX)
    return replace(scene, area_fraction=rng.uniform(0.85, 0.97) * top)


def _white_desk(rng: np.random.Generator) -> Scene:
    grey = rng.uniform(245, 253)
    return replace(_plain(rng), background_colour=tuple(grey + rng.uniform(-3, 3, 3)))


def _tilt(rng: np.random.Generator) -> Scene:
    scene = _plain(rng)
    tilt, direction = rng.uniform(20, 28), rng.uniform(0, 2 * math.pi)
    scene = replace(scene, tilt_deg=(tilt * math.cos(direction), tilt * math.sin(direction)))
    top = min(0.7, max_area_fraction(scene, CARD_PX))
    return replace(scene, area_fraction=rng.uniform(0.25, max(top, 0.26)))


def _low_light(rng: np.random.Generator) -> Scene:
    scene = _plain(rng)
    return replace(
        scene, light=(scene.light[0], rng.uniform(0, 0.3), rng.uniform(0.5, 0.65)), noise=8.0
    )


def _on(kind: str):
    def build(rng: np.random.Generator) -> Scene:
        scene = _patterned_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))], False)
        return replace(scene, background=kind)

    return build


def _bank_card(rng: np.random.Generator) -> Scene:
    return _patterned_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))], True)


GOOD_KINDS = {
    "plain": _plain,
    "thumb": _thumb,
    "glare": _glare,
    "filling": _filling,
    "white_desk": _white_desk,
    "tilt_28": _tilt,
    "low_light": _low_light,
    **{kind: _on(kind) for kind in PATTERNS},
    "bank_card": _bank_card,
}


def _tinted(rng: np.random.Generator) -> Scene:
    """A plain desk or a patterned surface (a bank card beside the card on a quarter of them)
    under light the camera's white balance did not quite neutralise: warm (a lamp) or cool
    (shade, a cloudy window), up to about what phones leave."""
    size = SMALL_SIZES[rng.integers(len(SMALL_SIZES))]
    if rng.random() < 0.5:
        scene = random_scene(rng, size)
    else:
        scene = _patterned_scene(rng, size, rng.random() < 0.25)
    if rng.random() < 0.5:
        tint = (1.0, rng.uniform(0.92, 0.97), rng.uniform(0.78, 0.9))
    else:
        tint = (rng.uniform(0.85, 0.93), rng.uniform(0.94, 0.98), 1.0)
    return replace(scene, tint=tuple(float(t) for t in tint))


# Kinds added after the hold-out's refusals were drawn: they come after them in its order
# (`holdout_seed`), so that every earlier kind's photos stay what they were.
LATER_KINDS = {"tinted": _tinted}
REFUSAL_KINDS = {"tiny_on_pattern": "tiny", "no_card_on_pattern": "none"}  # → pattern_refusals
HOLDOUT_KINDS = [*GOOD_KINDS, *REFUSAL_KINDS, *LATER_KINDS]


def holdout_seed(kind: str, seed: int) -> int:
    """The seed of one kind's photos in a hold-out drawn from `seed`."""
    return seed + 1000 * HOLDOUT_KINDS.index(kind)


def holdout_photo(kind: str, seed: int, index: int) -> GoodPhoto:
    """Good photo `index` of a kind as the hold-out (bench/photos_holdout.py) draws it."""
    return kind_photos(kind, holdout_seed(kind, seed), index + 1)[index]


def holdout_refusal(kind: str, seed: int, index: int) -> BadPhoto:
    """Bad photo `index` of a kind of REFUSAL_KINDS as the hold-out draws it."""
    return pattern_refusals(REFUSAL_KINDS[kind], holdout_seed(kind, seed), index + 1)[index]


def kind_photos(kind: str, seed: int, count: int) -> list[GoodPhoto]:
    """`count` good photos of one kind of GOOD_KINDS or LATER_KINDS."""
    rng = np.random.default_rng(seed)
    photos = []
    for i in range(count):
        scene = {**GOOD_KINDS, **LATER_KINDS}[kind](rng)
        side = "front" if rng.random() < 0.5 else "back"
        bank = render_bank_card(rng) if scene.companion else None
        data, corners = photograph(scene, render_card(side, rng), rng, companion=bank)
        name = f"{kind}-{i:02d}-{side}-{scene.background}"
        photos.append(GoodPhoto(name, side, data, corners, 90 * scene.quarter, scene))
    return photos


def pattern_refusals(kind: str, seed: int, count: int) -> list[BadPhoto]:
    """`count` photos on patterned surfaces that must be refused: "tiny" a card far too small
    to read (too small, or not found), "none" no card (not found)."""
    rng = np.random.default_rng(seed)
    photos = []
    for i in range(count):
        scene = _patterned_scene(rng, SMALL_SIZES[rng.integers(len(SMALL_SIZES))], False)
        side = "front" if rng.random() < 0.5 else "back"
        name = f"{kind}-{i:02d}-{side}-{scene.background}"
        if kind == "none":
            data, _ = photograph(scene, None, rng)
            photos.append(BadPhoto(name, side, data, "no_card"))
            continue
        scene = replace(scene, area_fraction=rng.uniform(0.02, 0.07))
        data, _ = photograph(scene, render_card(side, rng), rng)
        photos.append(BadPhoto(name, side, data, "too_small", ("no_card",)))
    return photos
