"""The quality bar, measured on a synthetic set: specimen cards photographed at any quarter turn
plus up to 10°, tilted up to 12°, on wood, cloth, dark and light desks, lit unevenly, noised,
JPEG-compressed, 1280×960 to 4000×3000; and bad photos of every kind."""

from __future__ import annotations

from .scoring import wrong_crops


def test_scores_are_reported(scores, capsys):
    # given the judged synthetic sets
    # when / then the scores are printed for `make test`
    with capsys.disabled():
        print("\n" + scores.summary())
        for failure in scores.failures:
            print("  miss: " + failure)


def test_at_least_95_percent_of_good_photos_are_found_upright(scores):
    # given / when: the good photos judged
    # then
    assert scores.good_rate >= 0.95, scores.failures


def test_at_least_90_percent_of_bad_photos_are_refused_with_their_reason(scores):
    # given / when: the bad photos judged
    # then
    assert scores.bad_rate >= 0.90, scores.failures


# Cards on patterned surfaces: checked, striped and plaid cloth, printed pages, forms and ruled
# paper, keyboards, tiled tables, and a bank card beside the ID card. The floor below is what
# the card finding reaches today on this set (18 of 30; 14 before the card's face was looked
# for as such; the goal is 48 of 50); it guards against going back.
def test_patterned_surface_scores_are_reported(patterned_scores, capsys):
    with capsys.disabled():
        print("\npatterned surfaces: " + patterned_scores.summary())
        for failure in patterned_scores.failures:
            print("  miss: " + failure)


def test_most_cards_on_patterned_surfaces_are_found_upright(patterned_scores):
    # given / when: cards on patterned surfaces judged
    # then
    assert patterned_scores.good_rate >= 0.6, patterned_scores.failures


def test_tiny_cards_and_no_cards_on_patterned_surfaces_are_refused(patterned_scores):
    # given / when: a card far too small to read, or none, on a patterned surface
    # then it is refused as too small or as no card (never accepted)
    assert patterned_scores.bad_rate >= 0.9, patterned_scores.failures


def test_cards_on_patterned_surfaces_are_seldom_cropped_wrong(patterned_set):
    # given / when: cards on patterned surfaces judged
    wrong = wrong_crops(patterned_set)
    # then a crop that is not the card (IoU < 0.8) stays rare: a refusal at least asks for
    # another photo (today 2 of 30, a strip of stripes or of a page taken with the card; the
    # goal is none)
    assert len(wrong) <= 2, wrong
