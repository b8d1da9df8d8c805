"""Create (or reset) the local development login and print how to sign in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a new random password (or give the existing one a new "
        "password) and print it. Development only: refuses to run with ACSA_ENV=production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Login name (default: admin).")

    def handle(self, *args, username, **options):
        if not settings.IS_DEVELOPMENT:
            raise CommandError(
                "create_local_admin is for local development only; in production use createsuperuser."
            )
        password = secrets.token_urlsafe(12)
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        action = "Created" if created else "Reset the password of"
        self.stdout.write(
            f"{action} the local superuser.\n"
            f"  Sign in at http://127.0.0.1:8000/admin/\n"
            f"  username: {username}\n"
            f"  password: {password}\n"
            f"  (a new password is printed each time this runs)"
        )
