from .documents import SIGNED_KINDS, Document, DocumentKind, DocumentRendition
from .pages import ArticleIndexPage, ArticlePage, HomePage
from .questionnaires import AnsweredQuestionnaire, Questionnaire, QuestionnaireKind
from .reference import (
    Branch,
    BusinessType,
    CalendarDay,
    CalendarDayKind,
    Exchange,
    ExchangeCategory,
    is_working_day,
    working_days,
)
from .seals import CompanySeal
from .workflows import (
    FourEyesApprovalTask,
    ReviewedPermissionPolicy,
    ReviewedPublishingMixin,
    WithdrawalRequest,
)

__all__ = [
    "SIGNED_KINDS",
    "AnsweredQuestionnaire",
    "ArticleIndexPage",
    "ArticlePage",
    "Branch",
    "BusinessType",
    "CalendarDay",
    "CalendarDayKind",
    "CompanySeal",
    "Document",
    "DocumentKind",
    "DocumentRendition",
    "Exchange",
    "ExchangeCategory",
    "FourEyesApprovalTask",
    "HomePage",
    "Questionnaire",
    "QuestionnaireKind",
    "ReviewedPermissionPolicy",
    "ReviewedPublishingMixin",
    "WithdrawalRequest",
    "is_working_day",
    "working_days",
]
