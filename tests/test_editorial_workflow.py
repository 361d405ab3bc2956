"""The review workflow: the referents of the contribution's own colleges, then coordination."""

from __future__ import annotations

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from cms.editorial.models import CollegeReviewTask
from cms.editorial.workflow import WORKFLOW_NAME, setup_after_migrate
from cms.models import ContributionPage, DossierIndexPage
from members.models import Member
from tests.conftest import COLLEGES, load, loaded_once, users_by_name, users_of
from tests.pages import contribution, dossier, dossier_tree


def draft(slug: str, title: str, date: str, *colleges: str) -> dict:
    """A contribution not published yet, written for these colleges."""
    fields = {"colleges": list(colleges)} if colleges else {}
    return contribution(slug, title, date, live=False, **fields)


PEOPLE = {
    "colleges": COLLEGES,
    "users": [
        {"username": "auteur", "password": "x-secret-1", "email": "auteur@example.org",
         "colleges": ["personnes-accompagnees"], "roles": ["member"]},
        {"username": "ref-pa", "password": "x-secret-1", "email": "ref-pa@example.org",
         "colleges": ["personnes-accompagnees"], "roles": ["member", "referent"]},
        {"username": "ref-formation", "password": "x-secret-1",
         "email": "ref-formation@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member", "referent"]},
        {"username": "coord", "password": "x-secret-1", "email": "coord@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member", "coordination"]},
    ],
    **dossier_tree(
        dossier(
            "dossier",
            "Dossier",
            "Éthique",
            draft("pa", "Parole des personnes", "2025-01-01", "personnes-accompagnees"),
            draft("formation", "Former ensemble", "2025-01-02", "acteurs-formation"),
            draft("orpheline", "Sans collège", "2025-01-03"),
            draft("collectivites", "Sans référent", "2025-01-04", "collectivites-territoriales"),
        )
    ),
}  # fmt: skip


editorial_site = loaded_once("editorial_site", PEOPLE)


people = users_of("editorial_site", "people")


def page(slug: str) -> ContributionPage:
    return ContributionPage.objects.get(slug=slug)


def submit(slug: str, user) -> WorkflowState:
    contribution = page(slug)
    return contribution.get_workflow().start(contribution, user)


def current_task_state(slug: str) -> TaskState:
    return page(slug).current_workflow_task_state


def action_url(contribution: Page, action: str, task_state: TaskState) -> str:
    return reverse(
        "wagtailadmin_pages:workflow_action", args=[contribution.pk, action, task_state.pk]
    )


def act(client, user, slug: str, action: str, comment: str = "", task_state=None):
    client.force_login(user)
    task_state = task_state or current_task_state(slug)
    return client.post(action_url(page(slug), action, task_state), {"comment": comment})


def refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to its home and a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def action_names(slug: str, user) -> set[str]:
    contribution = page(slug)
    return {name for name, _label, _modal in contribution.current_workflow_task.get_actions(
        contribution, user)}  # fmt: skip


# -- the workflow itself ------------------------------------------------------------


def test_workflow_has_a_college_step_then_a_coordination_step(people):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [CollegeReviewTask, GroupApprovalTask]
    assert [group.name for group in tasks[1].groups.all()] == ["Coordination"]


def test_workflow_applies_to_contributions_of_dossier_lists_made_by_the_loader(people):
    assert page("pa").get_workflow().name == WORKFLOW_NAME
    assert WorkflowPage.objects.filter(page=DossierIndexPage.objects.get()).exists()


def test_a_dossier_list_added_later_gets_the_workflow(people):
    convention = Page.objects.get(slug="c")
    later = convention.add_child(instance=DossierIndexPage(title="Autres dossiers", slug="autres"))
    assert WorkflowPage.objects.get(page=later).workflow.name == WORKFLOW_NAME


def test_setting_up_twice_creates_nothing_more(people):
    setup_after_migrate()
    setup_after_migrate()
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert Workflow.objects.get(name=WORKFLOW_NAME).workflow_tasks.count() == 2
    assert CollegeReviewTask.objects.count() == 1


# -- routing to the contribution's own colleges -------------------------------------


def test_submission_goes_to_the_college_step(people):
    submit("pa", people["auteur"])
    assert isinstance(page("pa").current_workflow_task, CollegeReviewTask)


def test_referent_of_the_contributions_college_may_approve(people):
    submit("pa", people["auteur"])
    assert action_names("pa", people["ref-pa"]) == {"approve", "reject", "refuse"}


def test_referent_of_another_college_has_no_action(people):
    submit("pa", people["auteur"])
    assert action_names("pa", people["ref-formation"]) == set()


def test_author_and_coordination_have_no_action_at_the_college_step(people):
    submit("pa", people["auteur"])
    assert action_names("pa", people["auteur"]) == set()
    assert action_names("pa", people["coord"]) == set()


def test_action_endpoint_refuses_a_referent_of_another_college(client, people):
    submit("pa", people["auteur"])
    assert refused(act(client, people["ref-formation"], "pa", "approve"))
    assert current_task_state("pa").status == TaskState.STATUS_IN_PROGRESS


def test_action_endpoint_refuses_a_task_state_of_another_page(client, people):
    """A referent may act on their college's page; not on another page's step through it."""
    submit("pa", people["auteur"])
    submit("formation", people["coord"])
    client.force_login(people["ref-formation"])
    url = action_url(page("formation"), "approve", current_task_state("pa"))
    assert refused(client.post(url, {"comment": ""}))
    assert current_task_state("pa").status == TaskState.STATUS_IN_PROGRESS


def test_review_dashboard_lists_the_contribution_for_its_referents_only(people):
    submit("pa", people["auteur"])
    state = current_task_state("pa")
    assert TaskState.objects.reviewable_by(people["ref-pa"]).filter(pk=state.pk).exists()
    assert not TaskState.objects.reviewable_by(people["ref-formation"]).filter(pk=state.pk).exists()
    assert not TaskState.objects.reviewable_by(people["coord"]).filter(pk=state.pk).exists()


def test_referent_opens_the_admin_dashboard_edit_and_preview_views(client, people):
    submit("pa", people["auteur"])
    contribution = page("pa")
    client.force_login(people["ref-pa"])
    assert "Parole des personnes" in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[contribution.pk])).status_code == 200
    preview = reverse(
        "wagtailadmin_pages:workflow_preview",
        args=[contribution.pk, contribution.current_workflow_task.pk],
    )
    assert client.get(preview).status_code == 200
    history = reverse("wagtailadmin_pages:workflow_history", args=[contribution.pk])
    assert client.get(history).status_code == 200


def test_referent_of_another_college_cannot_open_the_editor_or_preview(client, people):
    submit("pa", people["auteur"])
    contribution = page("pa")
    client.force_login(people["ref-formation"])
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[contribution.pk])))
    preview = reverse(
        "wagtailadmin_pages:workflow_preview",
        args=[contribution.pk, contribution.current_workflow_task.pk],
    )
    assert refused(client.get(preview))


def test_referent_has_no_edit_right_outside_the_review(people):
    submit("pa", people["auteur"])
    assert not page("formation").permissions_for_user(people["ref-pa"]).can_edit()
    assert not page("pa").permissions_for_user(people["ref-pa"]).can_publish()


def test_contribution_without_college_is_reviewed_by_coordination_at_the_college_step(people):
    submit("orpheline", people["auteur"])
    assert action_names("orpheline", people["coord"]) == {"approve", "reject", "refuse"}
    assert action_names("orpheline", people["ref-pa"]) == set()


def test_college_without_an_active_referent_is_reviewed_by_coordination(people):
    submit("collectivites", people["auteur"])
    assert action_names("collectivites", people["coord"]) == {"approve", "reject", "refuse"}


def test_a_newly_appointed_referent_takes_over_from_coordination(people):
    from members.roles import apply_roles

    submit("collectivites", people["auteur"])
    load({"users": [{"username": "ref-ct", "password": "x-secret-1",
                     "colleges": ["collectivites-territoriales"]}]})  # fmt: skip
    apply_roles(Member.objects.get(user__username="ref-ct"), ["member", "referent"])
    referent = users_by_name()["ref-ct"]
    assert action_names("collectivites", referent) == {"approve", "reject", "refuse"}
    assert action_names("collectivites", users_by_name()["coord"]) == set()


# -- approval, publication, rejection -------------------------------------------------


def test_referent_approval_moves_the_contribution_to_coordination(client, people):
    submit("pa", people["auteur"])
    assert act(client, people["ref-pa"], "pa", "approve").status_code == 302
    task = page("pa").current_workflow_task
    assert isinstance(task, GroupApprovalTask)
    assert action_names("pa", people["ref-pa"]) == set()
    assert action_names("pa", people["coord"]) == {"approve", "reject"}
    assert not page("pa").live


def test_coordination_approval_publishes(client, people):
    submit("pa", people["auteur"])
    act(client, people["ref-pa"], "pa", "approve")
    act(client, people["coord"], "pa", "approve")
    assert page("pa").live
    assert page("pa").workflow_states.get().status == WorkflowState.STATUS_APPROVED


def test_approval_with_a_future_publication_date_schedules_it(client, people):
    contribution = page("pa")
    contribution.go_live_at = timezone.now() + datetime.timedelta(days=3)
    contribution.save_revision(user=people["coord"])
    submit("pa", people["auteur"])
    act(client, people["ref-pa"], "pa", "approve")
    act(client, people["coord"], "pa", "approve")
    contribution = page("pa")
    assert not contribution.live
    assert contribution.get_latest_revision().approved_go_live_at is not None


def test_coordination_compares_revisions_of_a_reviewed_contribution(client, people):
    contribution = page("pa")
    first = contribution.get_latest_revision()
    contribution.title = "Parole des personnes (v2)"
    second = contribution.save_revision(user=people["coord"])
    client.force_login(people["coord"])
    url = reverse(
        "wagtailadmin_pages:revisions_compare", args=[contribution.pk, first.pk, second.pk]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "(v2)" in response.content.decode()


def test_rejection_puts_the_workflow_in_needs_changes(client, people):
    submit("pa", people["auteur"])
    act(client, people["ref-pa"], "pa", "reject", comment="Il manque la date de l'atelier.")
    state = page("pa").workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Il manque la date de l'atelier."


# -- e-mails -------------------------------------------------------------------------


def test_referents_of_the_college_are_told_in_french_that_a_review_awaits(people):
    submit("pa", people["auteur"])
    to_referents = [message for message in mail.outbox if "ref-pa@example.org" in message.to]
    assert len(to_referents) == 1
    message = to_referents[0]
    assert message.subject == "Contribution à relire : « Parole des personnes »"
    assert "attend votre relecture" in message.body
    assert f"/admin/pages/{page('pa').pk}/edit/" in message.body
    assert not any("ref-formation@example.org" in message.to for message in mail.outbox)


def test_rejection_comment_is_emailed_in_french_to_the_submitter(client, people):
    submit("pa", people["auteur"])
    mail.outbox.clear()
    act(client, people["ref-pa"], "pa", "reject", comment="Merci de préciser le lieu.")
    to_author = [message for message in mail.outbox if message.to == ["auteur@example.org"]]
    assert len(to_author) == 1
    assert "n'a pas été acceptée" in to_author[0].subject
    assert "Merci de préciser le lieu." in to_author[0].body
    assert "Relecture par les référents du collège" in to_author[0].body


# -- audit trail ----------------------------------------------------------------------


def log_actions(slug: str) -> list[str]:
    return list(
        PageLogEntry.objects.filter(page=page(slug))
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def test_every_step_to_publication_is_in_the_audit_log(client, people):
    submit("pa", people["auteur"])
    act(client, people["ref-pa"], "pa", "approve")
    act(client, people["coord"], "pa", "approve")
    actions = log_actions("pa")
    start = actions.index("wagtail.workflow.start")
    assert actions[start:] == [
        "wagtail.workflow.start",
        "wagtail.workflow.approve",
        "wagtail.workflow.approve",
        "wagtail.publish",
    ]
    approvals = PageLogEntry.objects.filter(page=page("pa"), action="wagtail.workflow.approve")
    assert {entry.user.username for entry in approvals} == {"ref-pa", "coord"}


def test_rejection_is_in_the_audit_log_with_its_comment(client, people):
    submit("pa", people["auteur"])
    act(client, people["ref-pa"], "pa", "reject", comment="À revoir.")
    entry = PageLogEntry.objects.get(page=page("pa"), action="wagtail.workflow.reject")
    assert entry.user.username == "ref-pa"
    assert entry.data["comment"] == "À revoir."


# -- refusing for good ---------------------------------------------------------------


def test_referent_of_the_contributions_college_may_refuse_for_good(people):
    submit("pa", people["auteur"])
    assert "refuse" in action_names("pa", people["ref-pa"])


def test_refusal_cancels_the_review_and_keeps_the_reason(client, people):
    submit("pa", people["auteur"])
    task_state = current_task_state("pa")
    act(client, people["ref-pa"], "pa", "refuse", "Hors du sujet du dossier.")
    state = page("pa").workflow_states.get()
    assert state.status == WorkflowState.STATUS_CANCELLED
    task_state.refresh_from_db()
    assert (task_state.status, task_state.comment) == (
        TaskState.STATUS_CANCELLED,
        "Hors du sujet du dossier.",
    )
    assert not page("pa").live


def test_referent_of_another_college_cannot_refuse(client, people):
    submit("pa", people["auteur"])
    response = act(client, people["ref-formation"], "pa", "refuse", "Non.")
    assert refused(response)
    assert page("pa").workflow_states.get().status == WorkflowState.STATUS_IN_PROGRESS
