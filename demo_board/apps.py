from django.apps import AppConfig


class DemoBoardConfig(AppConfig):
    name = "demo_board"
    label = "demo_board"
    verbose_name = "Demo job board"
    default_auto_field = "django.db.models.BigAutoField"
