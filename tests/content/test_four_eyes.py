"""Four eyes on everything investors see: nobody approves their own change, and no role (not the
compliance officer, not the administrator, not a superuser) publishes or unpublishes a document,
questionnaire or flow definition except as the end of that review. Each test attacks one path."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.actions.unpublish import UnpublishAction
from wagtail.models import WorkflowState

from content.approval import withdrawal_submit
from content.models import Document, FourEyesApprovalTask, WithdrawalRequest
from flows.models import FlowDefinition
from staff.roles import Role
from tests.factories import published_document, published_flow, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    administrator = staff_user("editor", Role.ADMINISTRATOR)
    administrator.is_superuser = True  # the demo's "admin" is a superuser too
    administrator.save()
    return {
        "administrator": administrator,
        "officer": staff_user("officer", Role.COMPLIANCE),
        "second_officer": staff_user("officer2", Role.COMPLIANCE),
    }


def edit_document(document, user, title):
    """A change saved as a draft revision by `user` (as the editor does)."""
    draft = Document.objects.get(pk=document.pk).get_latest_revision_as_object()
    draft.title = title
    draft.save_revision(user=user)
    return Document.objects.get(pk=document.pk)


def submit(obj, user):
    obj = type(obj).objects.get(pk=obj.pk)
    return obj.get_workflow().start(obj, user)


def task_state_of(obj):
    return WorkflowState.objects.get(
        object_id=str(obj.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).current_task_state


def workflow_action_url(obj, action, task_state):
    name = f"wagtailsnippets_{obj._meta.app_label}_{obj._meta.model_name}:workflow_action"
    return reverse(name, args=[obj.pk, action, task_state.pk])


def edit_url(obj):
    return reverse(
        f"wagtailsnippets_{obj._meta.app_label}_{obj._meta.model_name}:edit", args=[obj.pk]
    )


# --- nobody approves their own change ---------------------------------------------------------


@pytest.mark.parametrize("author", ["officer", "administrator"])
def test_the_submitter_is_offered_no_approval_and_is_refused_one(people, author):
    # given a change written and submitted by `author`
    document = edit_document(published_document(title="旧标题"), people[author], "新标题")
    submit(document, people[author])
    task_state = task_state_of(document)
    task = task_state.task.specific
    # when they try to approve it
    # then nothing is offered and the task itself refuses
    assert task.get_actions(document, people[author]) == []
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, people[author], "approve")
    assert Document.objects.get(pk=document.pk).title == "旧标题"


def test_an_officer_who_wrote_the_change_cannot_approve_what_an_administrator_submitted(people):
    # given the officer's edit, submitted by the administrator
    document = edit_document(published_document(title="旧标题"), people["officer"], "新标题")
    submit(document, people["administrator"])
    task_state = task_state_of(document)
    # when the officer approves through the admin
    client_ = _client(people["officer"])
    client_.post(workflow_action_url(document, "approve", task_state))
    # then it is refused and nothing goes live
    assert Document.objects.get(pk=document.pk).title == "旧标题"
    assert task_state_of(document).status == "in_progress"


def test_a_superuser_outside_the_compliance_group_cannot_approve(people):
    document = edit_document(published_document(title="旧标题"), people["officer"], "新标题")
    submit(document, people["officer"])
    task = task_state_of(document).task.specific
    assert task.get_actions(document, people["administrator"]) == []
    with pytest.raises(PermissionDenied):
        task.on_action(task_state_of(document), people["administrator"], "approve")


def test_another_officer_approves_and_the_reviewed_revision_goes_live(people):
    # given the administrator's change, submitted
    document = edit_document(published_document(title="旧标题"), people["administrator"], "新标题")
    submit(document, people["administrator"])
    # when a compliance officer approves it in the admin
    response = _client(people["officer"]).post(
        workflow_action_url(document, "approve", task_state_of(document)), follow=True
    )
    # then it is live, and the editor says so
    live = Document.objects.get(pk=document.pk)
    assert live.live and live.title == "新标题"
    assert "已批准" in response.content.decode()
    # and the history names who submitted and who approved
    history = _client(people["officer"]).get(
        reverse("wagtailsnippets_content_document:history", args=[document.pk])
    )
    page = history.content.decode()
    assert "editor" in page and "officer" in page


def test_a_reviewer_who_edits_during_the_review_can_no_longer_approve_it(people):
    document = edit_document(published_document(title="旧标题"), people["administrator"], "新标题")
    submit(document, people["administrator"])
    edit_document(document, people["officer"], "审核员改的标题")
    task = task_state_of(document).task.specific
    assert task.get_actions(document, people["officer"]) == []
    # and a second officer's approval does not publish a revision other than the reviewed one
    with pytest.raises(PermissionDenied):
        task.on_action(task_state_of(document), people["second_officer"], "approve")
    assert Document.objects.get(pk=document.pk).title == "旧标题"


# --- no path publishes or unpublishes without the review ----------------------------------------


def _client(user):
    from django.test import Client

    client_ = Client()
    client_.force_login(user)
    return client_


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_the_editor_offers_no_publish_or_unpublish_and_ignores_a_forged_publish(people, who):
    document = published_document(title="旧标题")
    client_ = _client(people[who])
    page = client_.get(edit_url(document)).content.decode()
    assert 'name="action-publish"' not in page
    assert "/unpublish/" not in page
    assert "提交" in page  # submitting for approval is on offer
    # a forged publish is saved as a draft, never published
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "kind": "agreement",
            "code": document.code,
            "title": "伪造发布",
            "body": streamfield([("paragraph", "<p>条款</p>")]),
            "sms_text": "",
            "business_type": "",
            "sort_order": "0",
        }
    )
    data["action-publish"] = "1"
    client_.post(edit_url(document), data)
    assert Document.objects.get(pk=document.pk).title == "旧标题"


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_the_unpublish_view_is_refused(people, who):
    document = published_document()
    url = reverse("wagtailsnippets_content_document:unpublish", args=[document.pk])
    client_ = _client(people[who])
    assert client_.get(url).status_code in (302, 403)
    client_.post(url)
    assert Document.objects.get(pk=document.pk).live


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_reviewing_an_old_revision_cannot_publish_it(people, who):
    document = published_document(title="第一版")
    old = document.live_revision
    edit_document(document, people["administrator"], "第二版")
    url = reverse("wagtailsnippets_content_document:revisions_revert", args=[document.pk, old.pk])
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "kind": "agreement",
            "code": document.code,
            "title": "第一版",
            "body": streamfield([("paragraph", "<p>条款</p>")]),
            "sms_text": "",
            "business_type": "",
            "sort_order": "0",
        }
    )
    data["action-publish"] = "1"
    _client(people[who]).post(url, data)
    assert Document.objects.get(pk=document.pk).live_revision_id == old.pk
    assert Document.objects.get(pk=document.pk).title == "第一版"
    assert not FourEyesApprovalTask.objects.get().task_states.filter(status="approved").exists()


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_code_that_publishes_for_a_person_is_refused_without_an_approval(people, who):
    document = edit_document(published_document(title="旧标题"), people[who], "新标题")
    with pytest.raises(PermissionDenied):
        document.get_latest_revision().publish(user=people[who])
    with pytest.raises(PermissionDenied):
        document.get_latest_revision().publish(user=people[who], skip_permission_checks=True)
    assert Document.objects.get(pk=document.pk).title == "旧标题"


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_wagtails_unpublish_action_is_refused_even_without_permission_checks(people, who):
    document = published_document()
    with pytest.raises(PermissionDenied):
        UnpublishAction(document, user=people[who]).execute(skip_permission_checks=True)
    with pytest.raises(PermissionDenied):
        document.unpublish(user=people[who])
    assert Document.objects.get(pk=document.pk).live


def test_the_scheduled_publishing_command_publishes_no_unapproved_draft(people):
    from django.core.management import call_command

    document = edit_document(published_document(title="旧标题"), people["administrator"], "新标题")
    call_command("publish_scheduled")
    assert Document.objects.get(pk=document.pk).title == "旧标题"


def test_flow_definitions_are_reviewed_like_documents(people):
    definition = published_flow([("exchanges", {})])
    draft = FlowDefinition.objects.get(pk=definition.pk)
    draft.name = "改名的流程"
    draft.save_revision(user=people["administrator"])
    with pytest.raises(PermissionDenied):
        draft.get_latest_revision().publish(user=people["administrator"])
    state = submit(draft, people["administrator"])
    task = state.current_task_state.task.specific
    assert task.get_actions(draft, people["administrator"]) == []
    task.on_action(state.current_task_state, people["officer"], "approve")
    assert FlowDefinition.objects.get(pk=definition.pk).name == "改名的流程"


# --- taking something offline is reviewed too -------------------------------------------------


def test_a_withdrawal_goes_offline_only_when_another_person_approves(people):
    # given a live flow and the administrator's request to take it offline
    definition = published_flow([("exchanges", {})])
    request = withdrawal_submit(obj=definition, user=people["administrator"], reason="暂停业务")
    task_state = request.workflow_state.current_task_state
    task = task_state.task.specific
    # then it is still live, and its requester cannot approve it
    assert FlowDefinition.objects.get(pk=definition.pk).live
    assert task.get_actions(definition, people["administrator"]) == []
    # when an officer approves
    assert [label for name, label, _ in task.get_actions(definition, people["officer"])][1] == (
        "批准下线"
    )
    task.on_action(task_state, people["officer"], "approve")
    # then it is offline, and the request is marked carried out
    assert not FlowDefinition.objects.get(pk=definition.pk).live
    assert WithdrawalRequest.objects.get().carried_out_at is not None


def test_an_officer_cannot_approve_their_own_withdrawal(people):
    document = published_document()
    request = withdrawal_submit(obj=document, user=people["officer"], reason="旧版本作废")
    task_state = request.workflow_state.current_task_state
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, people["officer"], "approve")
    assert Document.objects.get(pk=document.pk).live


def test_the_withdraw_page_says_how_many_businesses_are_in_flight(people):
    from flows.services import application_start
    from tests.factories import ClientFactory

    definition = published_flow([("exchanges", {})])
    application_start(client=ClientFactory())
    url = reverse("content_withdraw", args=["flows", "flowdefinition", definition.pk])
    page = _client(people["administrator"]).get(url).content.decode()
    assert "现有 1 笔办理中的业务" in page
    assert "按开始时锁定的流程版本继续办理" in page
    # sending it without a reason is refused, saying why
    page = _client(people["administrator"]).post(url, {"reason": " "}).content.decode()
    assert "请填写下线原因" in page
    assert not WithdrawalRequest.objects.exists()


def test_the_landing_page_follows_what_is_live(people):
    from wagtail.models import Site

    from content.models import HomePage

    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=HomePage(title="首页", slug="home-test"))
    definition = published_flow([("exchanges", {})])
    assert "开始办理" in _client(people["officer"]).get(home.url).content.decode()
    request = withdrawal_submit(obj=definition, user=people["administrator"], reason="暂停")
    task_state = request.workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, people["officer"], "approve")
    page = _client(people["officer"]).get(home.url).content.decode()
    assert "开始办理" not in page and "暂未开放网上办理" in page


def test_pages_investors_read_are_reviewed_too(people):
    from wagtail.models import Site

    from content.models import ArticleIndexPage, HomePage

    # given a help section page, changed by the administrator
    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=HomePage(title="首页", slug="home-review"))
    section = home.add_child(instance=ArticleIndexPage(title="开户帮助", slug="help"))
    draft = ArticleIndexPage.objects.get(pk=section.pk)
    draft.intro = "新的简介"
    draft.save_revision(user=people["administrator"])
    # then neither role may publish or unpublish it directly (not even the superuser)
    for who in ("administrator", "officer"):
        tester = section.permissions_for_user(people[who])
        assert not tester.can_publish() and not tester.can_unpublish()
    edit = _client(people["administrator"]).get(
        reverse("wagtailadmin_pages:edit", args=[section.pk])
    )
    assert 'name="action-publish"' not in edit.content.decode()
    # when it is submitted, the submitter cannot approve it, and an officer can
    state = draft.get_workflow().start(draft, people["administrator"])
    task = state.current_task_state.task.specific
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state, people["administrator"], "approve")
    task.on_action(state.current_task_state, people["officer"], "approve")
    assert ArticleIndexPage.objects.get(pk=section.pk).intro == "新的简介"
