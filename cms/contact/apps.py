from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "cms.contact"
    label = "contact"
    verbose_name = "Messages à la coordination"
    default_auto_field = "django.db.models.BigAutoField"
