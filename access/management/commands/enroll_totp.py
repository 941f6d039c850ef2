"""manage.py enroll_totp USERNAME: give a staff user an authenticator (TOTP) for the admin.

Prints the otpauth:// URI and a QR code to scan with an authenticator app; then asks for a code
from the app (unless --no-input) and confirms the device only if it matches. --replace removes
the user's existing TOTP devices first (a lost phone). Superusers can do the same in the admin
(OTP_TOTP > TOTP devices, which shows the QR code).
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Enrol an authenticator app (TOTP) for a staff user's admin login."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="Remove existing devices.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Confirm the device without asking for a code from the app.",
        )

    def handle(self, *args, username, replace, interactive, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None or not user.is_staff:
            raise CommandError(f"No staff user {username!r}.")
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise CommandError(f"{username!r} already has an authenticator; use --replace.")
        with transaction.atomic():
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        uri = device.config_url
        qr = qrcode.QRCode(border=1)
        qr.add_data(uri)
        out = io.StringIO()
        qr.print_ascii(out=out, invert=True)
        self.stdout.write(out.getvalue())
        self.stdout.write(f"Or enter this URI in the app: {uri}")
        if interactive:
            token = input("Code shown by the app: ").strip()
            if not device.verify_token(token):
                device.delete()
                raise CommandError("That code does not match: nothing enrolled. Try again.")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        self.stdout.write(self.style.SUCCESS(f"Authenticator enrolled for {username!r}."))
