"""Site-wide setup: groups, demo users, the folders the embedded services use."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

GROUP_PERMISSIONS: dict[str, list[str]] = {
    "Curators": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_articlerevision",
        "articles.view_articlefeedback",
        "problems.view_problem",
        "search.view_searchquery",
        "search.view_indexrepair",
        "search.add_synonym",
        "search.change_synonym",
        "search.delete_synonym",
        "search.view_synonym",
        "learning.view_learnedphrase",
        "learning.change_learnedphrase",
        "learning.view_knowledgegap",
        "learning.change_knowledgegap",
        "learning.view_contentflag",
        "learning.change_contentflag",
        "learning.view_articleeffectiveness",
        "wizard.view_flow",
        "wizard.change_flow",
        "wizard.view_wizardsession",
    ],
    "Reviewers": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_articlerevision",
        "articles.view_articlefeedback",
        "articles.review_article",
        "problems.view_problem",
        "search.view_searchquery",
        "search.view_synonym",
    ],
    "Support engineers": [
        "articles.view_article",
        "articles.view_articlefeedback",
        "problems.view_problem",
        "tickets.work_ticket",
        "tickets.view_ticket",
        "tickets.view_oncallshift",
        "tickets.view_notification",
        "tickets.view_pagealarm",
        "wizard.view_wizardsession",
    ],
    "Support leads": [
        "articles.view_article",
        "articles.view_articlefeedback",
        "problems.view_problem",
        "search.view_indexrepair",
        "tickets.work_ticket",
        "tickets.view_ticket",
        "tickets.view_team",
        "tickets.change_team",
        "tickets.view_slapolicy",
        "tickets.change_slapolicy",
        "tickets.view_oncallshift",
        "tickets.add_oncallshift",
        "tickets.change_oncallshift",
        "tickets.delete_oncallshift",
        "tickets.view_notification",
        "tickets.view_pagealarm",
        "tickets.view_organization",
        "tickets.add_organization",
        "tickets.change_organization",
        "learning.view_knowledgegap",
        "learning.view_contentflag",
        "learning.view_articleeffectiveness",
        "wizard.view_flow",
        "wizard.change_flow",
        "wizard.view_wizardsession",
    ],
}

DEMO_USERS = [
    # username, groups, superuser
    ("admin", [], True),
    ("curator", ["Curators"], False),
    ("reviewer", ["Reviewers"], False),
    ("engineer", ["Support engineers"], False),
    ("lead", ["Support leads"], False),
]
DEMO_PASSWORD = "streamline-demo"
# The demo support engineer: bootstrap puts them in every team and on call.
DEMO_ENGINEER = "engineer"
# A customer account in a demo organization, to try the support portal.
DEMO_CUSTOMER = "customer"
DEMO_ORGANIZATION = "Demo Streaming Co."


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def groups_ensure() -> list[Group]:
    """Create the staff groups with their permissions (adds, never removes)."""
    groups = []
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[_permission(p) for p in perms])
        groups.append(group)
    return groups


@transaction.atomic
def demo_users_ensure() -> list[str]:
    """Demo accounts for a development site; refused when DEBUG is off."""
    if not settings.DEBUG:
        raise RuntimeError("demo users are only created when DEBUG is on")
    user_model = get_user_model()
    created = []
    for username, group_names, superuser in DEMO_USERS:
        user, was_created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@streamline-kb.example.com",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
        user.groups.add(*Group.objects.filter(name__in=group_names))
    customer, was_created = user_model.objects.get_or_create(
        username=DEMO_CUSTOMER, defaults={"email": f"{DEMO_CUSTOMER}@example.com"})
    if was_created:
        customer.set_password(DEMO_PASSWORD)
        customer.save()
        created.append(DEMO_CUSTOMER)
    from kb.tickets.models import Organization  # core must not import apps at load time

    organization, _ = Organization.objects.get_or_create(name=DEMO_ORGANIZATION)
    organization.members.add(customer)
    return created


def runtime_folders_ensure() -> None:
    for folder in (
        settings.VAR_DIR,
        settings.BROKER_DIR / "out",
        settings.BROKER_DIR / "processed",
        settings.BROKER_DIR / "control",
        settings.KB_INDEX_DIR,
    ):
        folder.mkdir(parents=True, exist_ok=True)
