"""The quality bar, measured on a synthetic set: specimen cards photographed at any quarter turn
plus up to 10°, tilted up to 12°, on wood, cloth, dark and light desks, lit unevenly, noised,
JPEG-compressed, 1280×960 to 4000×3000; and bad photos of every kind."""

from __future__ import annotations


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
