from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "members.security"
    label = "members_security"
    verbose_name = "Sécurité des comptes"
