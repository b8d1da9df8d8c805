"""review.WORKFLOW is the one table of the transitions: apply() and the admin both follow it."""

import re

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from acsa_db import review
from acsa_db.admin.workflow import review_statuses, say_if_sent_back
from acsa_db.models import Agreement, ReviewStatus
from acsa_db.review import WORKFLOW, ReviewRefused

ROLES = ("viewer", "curator", "reviewer")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def put_in(record, status):
    """Set a review status directly, as seeded data does (a reviewed record says when)."""
    reviewed_at = timezone.now() if status in review.REVIEWED else None
    type(record).objects.filter(pk=record.pk).update(review_status=status, reviewed_at=reviewed_at)
    record.refresh_from_db()


def test_the_table_holds_the_documented_rules():
    """draft → needs review → verified or disputed; curators send, reviewers verify and dispute."""
    moves = {name: ({str(s) for s in t.sources}, str(t.target), t.permission) for name, t in WORKFLOW.items()}
    assert moves == {
        "send_for_review": ({"draft", "disputed"}, "needs_review", "send_{model}_for_review"),
        "verify": ({"needs_review", "disputed"}, "verified", "review_{model}"),
        "dispute": ({"needs_review", "verified"}, "disputed", "review_{model}"),
    }


def test_apply_refuses_a_transition_not_in_the_table(cited_agreement, make_user):
    everyone = make_user("everyone", "curator", "reviewer")
    with pytest.raises(ReviewRefused, match="no review transition 'publish'"):
        review.apply(cited_agreement, "publish", everyone)
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.DRAFT


@pytest.mark.parametrize("status", ReviewStatus.values)
@pytest.mark.parametrize("action", list(WORKFLOW))
def test_apply_moves_a_record_only_along_the_table(cited_agreement, make_user, status, action):
    both = make_user("both", "curator", "reviewer")
    put_in(cited_agreement, status)
    transition = WORKFLOW[action]
    if status in transition.sources:
        record = review.apply(cited_agreement, action, both)
        assert record.review_status == transition.target
        assert Agreement.history.filter(id=record.pk).latest().history_change_reason == transition.reason
    else:
        with pytest.raises(ReviewRefused, match=f"is {ReviewStatus(status).label}"):
            review.apply(cited_agreement, action, both)
        cited_agreement.refresh_from_db()
        assert cited_agreement.review_status == status


def test_the_admin_refuses_a_transition_not_in_the_table(client, cited_agreement, make_user):
    client.force_login(make_user("root", superuser=True))
    url = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, "publish"])
    assert client.post(url, {"based_on_version": cited_agreement.version}).status_code == 404
    changelist = reverse("admin:acsa_db_agreement_changelist")
    client.post(changelist, {"action": "publish_action", "_selected_action": [cited_agreement.pk]})
    cited_agreement.refresh_from_db()
    assert cited_agreement.review_status == ReviewStatus.DRAFT


@pytest.mark.parametrize("status", ReviewStatus.values)
def test_the_page_shows_the_buttons_of_the_table_for_each_role(client, cited_agreement, make_user, status):
    put_in(cited_agreement, status)
    page_url = reverse("admin:acsa_db_agreement_change", args=[cited_agreement.pk])
    for role in ROLES:
        user = make_user(role, role)
        client.force_login(user)
        page = client.get(page_url).content.decode()
        shown = re.findall(r'name="_review_(\w+)" value="([^"]+)"', page)
        expected = [
            (t.name, t.label)
            for t in WORKFLOW.values()
            if status in t.sources and user.has_perm(review.permission(Agreement, t.name))
        ]
        assert shown == expected, (role, status)
    # Not an empty comparison: someone is offered something in every state.
    assert any(status in t.sources for t in WORKFLOW.values())


def test_the_changelist_offers_the_actions_of_the_table_for_each_role(client, cited_agreement, make_user):
    changelist = reverse("admin:acsa_db_agreement_changelist")
    for role in ROLES:
        user = make_user(role, role)
        client.force_login(user)
        action_form = client.get(changelist).context["action_form"]
        offered = {name for name, _ in action_form.fields["action"].choices} if action_form else set()
        expected = {
            f"{name}_action" for name in WORKFLOW if user.has_perm(review.permission(Agreement, name))
        }
        assert offered & {f"{name}_action" for name in WORKFLOW} == expected, role
    assert expected == {"verify_action", "dispute_action"}  # the reviewer, last


def test_the_messages_say_what_happened_in_plain_english(client, cited_agreement, make_user):
    """#18: "is now needs review" became "was sent for review" and the like."""
    curator, reviewer = make_user("curator", "curator"), make_user("reviewer", "reviewer")
    name = f'The agreement "{cited_agreement}"'
    said = []
    for user, action in ((curator, "send_for_review"), (reviewer, "dispute"), (reviewer, "verify")):
        client.force_login(user)
        url = reverse("admin:acsa_db_agreement_review", args=[cited_agreement.pk, action])
        version = Agreement.objects.get(pk=cited_agreement.pk).version
        said.append(messages_of(client.post(url, {"based_on_version": version}))[-1])
    assert said == [f"{name} was sent for review.", f"{name} is disputed.", f"{name} is verified."]

    # An edit of the verified record sends it back; the admin says so.
    agreement = Agreement.objects.get(pk=cited_agreement.pk)
    before = review_statuses([agreement])
    agreement.summary = "A corrected summary."
    agreement.save()
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    say_if_sent_back(request, before)
    assert [str(m) for m in request._messages] == [
        f"{name} was verified; as its facts changed, it needs review again."
    ]
