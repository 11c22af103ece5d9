"""Create an analyst or editor account."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLE_GROUPS = {"analyst": "Analysts", "editor": "Editors"}


class Command(BaseCommand):
    help = (
        "Create an account in the Analysts or Editors group. Editors also get access "
        "to the admin. The password is asked for, or read from --password-file."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLE_GROUPS), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Read the password from the first line of this file.",
        )

    def handle(self, *args, username, role, email, password_file, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} already exists.")
        password = self.read_password(password_file)
        user = User(username=username, email=email, is_staff=role == "editor")
        try:
            user.full_clean(exclude=["password"])
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        group = Group.objects.filter(name=ROLE_GROUPS[role]).first()
        if group is None:
            raise CommandError(
                f"The {ROLE_GROUPS[role]} group is missing: run `manage.py migrate`."
            )
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(f"Created {role} {username!r}.")

    def read_password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {password_file}: {error}") from None
            if not lines or not lines[0]:
                raise CommandError(f"{password_file} holds no password.")
            return lines[0]
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
