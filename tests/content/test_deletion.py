"""Nothing an investor's record refers to is deleted: a live document or questionnaire is
withdrawn instead, and one that applications pinned or records keep is refused with the reason
(never a 500). The usage the admin shows counts those applications."""

import pytest
from django.urls import reverse

from content.approval import usage_by_applications
from content.models import Document, Questionnaire
from flows.services import application_start
from staff.roles import Role
from tests.factories import (
    ClientFactory,
    published_document,
    published_flow,
    published_questionnaire,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = staff_user("root", Role.ADMINISTRATOR)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_deleting_a_live_document_is_refused_with_the_reason(superuser_client):
    document = published_document(title="风险揭示书")
    url = reverse("wagtailsnippets_content_document:delete", args=[document.pk])
    response = superuser_client.post(url, follow=True)
    assert response.status_code == 200
    assert "已上线，不能删除" in response.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_withdrawn_document_pinned_by_an_application_is_not_deleted(superuser_client):
    # given a document pinned by an application in flight, then taken offline
    document = published_document()
    published_flow([("exchanges", {})])
    application_start(client=ClientFactory())
    document = Document.objects.get(pk=document.pk)
    assert usage_by_applications(document).in_flight == 1
    Document.objects.filter(pk=document.pk).update(live=False)  # as an approved withdrawal does
    # when the administrator deletes it, alone or in bulk
    single = reverse("wagtailsnippets_content_document:delete", args=[document.pk])
    page = superuser_client.get(single, follow=True).content.decode()
    bulk = (
        reverse("wagtail_bulk_action", args=["content", "document", "delete"])
        + f"?id={document.pk}"
    )
    superuser_client.post(bulk, follow=True)
    # then it is refused, saying why, and kept
    assert "笔业务的记录引用" in page
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_questionnaire_named_by_a_pinned_flow_counts_its_applications():
    questionnaire = published_questionnaire("revisit")
    published_flow([("exchanges", {}), ("revisit", {"questionnaire": questionnaire})])
    application_start(client=ClientFactory())
    usage = usage_by_applications(Questionnaire.objects.get(pk=questionnaire.pk))
    assert (usage.in_flight, usage.recorded) == (1, 1)


def test_a_never_published_draft_can_still_be_deleted(superuser_client):
    draft = Document(kind="agreement", code="draft-only", title="草稿", live=False)
    draft.save()
    url = reverse("wagtailsnippets_content_document:delete", args=[draft.pk])
    superuser_client.post(url)
    assert not Document.objects.filter(pk=draft.pk).exists()
