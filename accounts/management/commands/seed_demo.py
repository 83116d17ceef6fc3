"""Loads the demo organization and its users; each app adds its own demo rows in `<app>/demo.py`.

Idempotent: running it again changes nothing that is already there.
"""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from organizations.models import Membership, Organization, Role
from organizations.services import membership_create, organization_create

DEMO_ORG = {"name": "Acme Security", "slug": "acme", "industry": "Technology", "country": "US"}
DEMO_PASSWORD = "palisade-demo-2026"  # noqa: S105  (documented in the README; demo data only)
DEMO_USERS = [
    ("admin@acme.example", "Ada Admin", Role.ADMIN),
    ("manager@acme.example", "Max Manager", Role.MANAGER),
    ("editor@acme.example", "Eve Editor", Role.EDITOR),
    ("viewer@acme.example", "Vic Viewer", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create (or complete) the demo organization, its users and each app's demo data."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {}
        for email, name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=name, is_verified=True
                )
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
            users[email] = user
        organization = Organization.objects.filter(slug=DEMO_ORG["slug"]).first()
        if organization is None:
            # Through the service, so every app sets the new organization up (subscription, catalog).
            organization = organization_create(owner=users[DEMO_USERS[0][0]], **DEMO_ORG)
        for email, _name, role in DEMO_USERS:
            user = users[email]
            if not Membership.objects.for_organization(organization).filter(user=user).exists():
                membership_create(organization=organization, user=user, role=role)
        admin = User.objects.get(email=DEMO_USERS[0][0])
        for config in apps.get_app_configs():
            if importlib.util.find_spec(f"{config.name}.demo") is not None:
                importlib.import_module(f"{config.name}.demo").load(organization=organization, admin=admin)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organization '{organization.name}': sign in as {DEMO_USERS[0][0]} / {DEMO_PASSWORD}"
            )
        )
