from .documents import SIGNED_KINDS, Document, DocumentKind, DocumentRendition
from .pages import ArticleIndexPage, ArticlePage, HomePage
from .questionnaires import Questionnaire, QuestionnaireKind
from .reference import (
    Branch,
    BusinessType,
    CalendarDay,
    CalendarDayKind,
    Exchange,
    ExchangeCategory,
    is_working_day,
)

__all__ = [
    "SIGNED_KINDS",
    "ArticleIndexPage",
    "ArticlePage",
    "Branch",
    "BusinessType",
    "CalendarDay",
    "CalendarDayKind",
    "Document",
    "DocumentKind",
    "DocumentRendition",
    "Exchange",
    "ExchangeCategory",
    "HomePage",
    "Questionnaire",
    "QuestionnaireKind",
    "is_working_day",
]
