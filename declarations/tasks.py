"""Work done off the request by the task worker (django-tasks; the database
backend in production, ``manage.py db_worker``): today, the password-reset mail.

The request only enqueues the address it was given, once its transaction has
committed: it does the same work whether or not an account has that address (so
its timing tells nobody which addresses exist), and a mail server that stalls
holds the worker for ``EMAIL_TIMEOUT`` at most, never a web worker. The reset link
is made in the worker, so it is never stored in the queue either.
"""

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django_tasks import task


class ResetMail(PasswordResetForm):
    """Django's reset form, except that a mail that cannot be sent fails the task
    (Django's form logs the failure and carries on, which in a request hides
    whether the account exists; in the worker it would hide the failure)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(
            "".join(subject.splitlines()), body, from_email, [to_email]
        )
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        message.send()


@task()
def send_password_reset(*, email: str, domain: str, use_https: bool) -> int:
    """Send the reset mail to every active account with the address (usually one,
    often none); returns how many were sent. A mail server that fails or stalls
    past ``EMAIL_TIMEOUT`` fails the task (the worker logs it)."""
    form = ResetMail({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(email))
    form.save(domain_override=domain, use_https=use_https)
    return len(users)
