from django.apps import AppConfig


class SetupConfig(AppConfig):
    """Setting up a site: the ``bootstrap`` command, the staff groups with
    their permissions, the demo accounts, the runtime folders. The top of the
    layers: it loads every app's fixtures, and nothing imports it."""

    name = "kb.setup"
    verbose_name = "Setup"
