"""E-mail backends for tests: a mail server that refuses every connection."""

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
