import pytest
from django.core.exceptions import ValidationError

from content.blocks import QuestionBlock
from content.models import Questionnaire
from content.services import questionnaire_score
from tests.factories import published_questionnaire

pytestmark = pytest.mark.django_db


def choice(text, scores, kind="single"):
    return (
        "question",
        {
            "text": text,
            "kind": kind,
            "required": True,
            "yes_alerts": False,
            "no_alerts": False,
            "options": [{"label": f"选项{s}", "score": s, "alert": False} for s in scores],
        },
    )


BANDS = [
    {"min_score": 0, "max_score": 2, "suitability_class": "C1"},
    {"min_score": 3, "max_score": 4, "suitability_class": "C3"},
    {"min_score": 5, "max_score": 6, "suitability_class": "C5"},
]


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_a_choice_question_without_options_is_refused_saying_which(kind):
    block = QuestionBlock()
    value = block.to_python(
        {
            "text": "您的年龄？",
            "kind": kind,
            "required": True,
            "options": [],
            "yes_alerts": False,
            "no_alerts": False,
        }
    )
    with pytest.raises(ValidationError) as refused:
        block.clean(value)
    assert "“您的年龄？”至少需要两个选项" in str(refused.value.block_errors["options"])


def test_a_yes_no_question_cannot_carry_options():
    block = QuestionBlock()
    value = block.to_python(
        {
            "text": "本人操作？",
            "kind": "yes_no",
            "required": True,
            "options": [{"label": "是", "score": 0, "alert": False}],
            "yes_alerts": False,
            "no_alerts": False,
        }
    )
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({0: 0, 1: 0}, (0, "C1")),
        ({0: 1, 1: 1}, (2, "C1")),
        ({0: 2, 1: 1}, (3, "C3")),
        ({0: 3, 1: 3}, (6, "C5")),
    ],
)
def test_the_suitability_score_gives_the_class_of_its_band(answers, expected):
    questionnaire = published_questionnaire(
        "suitability",
        questions=[choice("一", [0, 1, 2, 3]), choice("二", [0, 1, 2, 3])],
        bands=BANDS,
    )
    assert questionnaire_score(questionnaire=questionnaire, answers=answers) == expected


@pytest.mark.parametrize("answers", [{0: 0}, {0: 9, 1: 0}, {0: [], 1: 0}])
def test_a_partial_or_forged_answer_sheet_gives_no_class(answers):
    questionnaire = published_questionnaire(
        "suitability",
        questions=[choice("一", [0, 1, 2, 3]), choice("二", [0, 1, 2, 3])],
        bands=BANDS,
    )
    with pytest.raises(ValueError):
        questionnaire_score(questionnaire=questionnaire, answers=answers)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "需要设置评级分数段"),
        ([BANDS[0], BANDS[2]], "首尾相接"),
        ([BANDS[0], {"min_score": 2, "max_score": 6, "suitability_class": "C3"}], "首尾相接"),
    ],
)
def test_suitability_bands_must_cover_the_scores_without_gaps_or_overlaps(bands, message):
    questionnaire = Questionnaire(
        kind="suitability",
        code="s",
        title="评估",
        questions=[choice("一", [0, 1])],
        bands=[("bands", bands)] if bands else [],
    )
    with pytest.raises(ValidationError, match=message):
        questionnaire.full_clean()


def test_a_questionnaire_needs_a_question():
    with pytest.raises(ValidationError, match="至少需要一道题目"):
        Questionnaire(kind="revisit", code="r", title="回访").full_clean()


def test_the_content_hash_changes_with_what_is_asked():
    questionnaire = published_questionnaire("revisit")
    before = questionnaire.content_hash()
    assert before == Questionnaire.objects.get(pk=questionnaire.pk).content_hash()
    questionnaire.questions = [choice("新问题", [0, 1])]
    assert questionnaire.content_hash() != before
