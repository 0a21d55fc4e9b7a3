"""The models and the migrations say the same: a model change without its
migration would reach production as a schema nobody created."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exc:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"a migration is missing (makemigrations --check exited {exc.code}): "
                    "run manage.py makemigrations")
