import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

PASSWORD_FILE = Path(settings.BASE_DIR, ".local-admin-password")


class Command(BaseCommand):
    help = (
        "Create the local superuser (DJANGO_ADMIN_USER, default 'admin') for development and print its login. "
        "The password comes from DJANGO_ADMIN_PASSWORD, or is generated once and kept in .local-admin-password."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("local_admin is for local development (DJANGO_DEBUG=1); use createsuperuser instead.")
        username = os.environ.get("DJANGO_ADMIN_USER", "admin")
        password = os.environ.get("DJANGO_ADMIN_PASSWORD")
        if not password:
            if not PASSWORD_FILE.exists():
                PASSWORD_FILE.write_text(secrets.token_urlsafe(12))
                PASSWORD_FILE.chmod(0o600)
            password = PASSWORD_FILE.read_text().strip()
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True, "is_superuser": True})
        if created or os.environ.get("DJANGO_ADMIN_PASSWORD"):
            user.set_password(password)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:8000{reverse('admin:index')}  user: {username}  password: {password}"
                + ("" if created else "  (unless you have changed it since)")
            )
        )
