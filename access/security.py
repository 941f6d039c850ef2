"""Editors' accounts (docs/SECURITY.md): lockout after failed logins, two-factor admin.

- `LockoutBackend`: django-axes' lockout check for every login through a web form (which always
  passes the request). An `authenticate()` call without a request — a management command, the
  test client's `login()` — is not a web login attempt and is left to ModelBackend.
- `client_ip`: the address axes counts failures against, the same the API rate limit uses
  (REMOTE_ADDR, or TRUSTED_PROXY_COUNT proxies back in X-Forwarded-For).
- `enable_two_factor_admin`: the admin accepts only staff whose session was verified with a
  TOTP device (django-otp), at login.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The address django-axes records and locks out. None when a request has none (a test
    client's force_login): axes stores NULL, as its own fallback does, rather than a string the
    PostgreSQL inet column refuses."""
    from access.clients import client_ip as ip

    return ip(request) or None


def two_factor_login_form():
    from django_otp import devices_for_user
    from django_otp.admin import OTPAdminAuthenticationForm

    class TwoFactorAdminLoginForm(OTPAdminAuthenticationForm):
        """Username, password and the code of the user's authenticator, in one submit: with a
        single enrolled device, it is the one checked (django-otp would ask to pick it)."""

        otp_error_messages = {
            **OTPAdminAuthenticationForm.otp_error_messages,
            "device_required": (
                "No authenticator is enrolled for this account: ask an administrator to run "
                "`manage.py enroll_totp <username>`."
            ),
        }

        def _chosen_device(self, user):
            device = super()._chosen_device(user)
            if device is None:
                devices = list(devices_for_user(user, confirmed=True))
                if len(devices) == 1:
                    device = devices[0]
            return device

    return TwoFactorAdminLoginForm


def enable_two_factor_admin(site) -> None:
    """Make `site` (the default admin site) an OTPAdminSite: a username, a password and a
    one-time code at login; a staff session without a verified device is sent to log in."""
    from django_otp.admin import OTPAdminSite

    if not isinstance(site, OTPAdminSite):
        site.__class__ = OTPAdminSite
        site.login_form = two_factor_login_form()
        site.login_template = OTPAdminSite.login_template
