from django.apps import AppConfig


class AcsaDbConfig(AppConfig):
    name = "acsa_db"
    verbose_name = "ACSA DB"
    default_auto_field = "django.db.models.BigAutoField"
