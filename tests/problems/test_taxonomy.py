import json

import pytest
from django.core.management import CommandError, call_command

TOML = """
[[problem]]
code = "push.connect-refused"
area = "push"
en = "Encoder cannot connect."
zh = "推流端无法连接。"
"""


def test_import_taxonomy_writes_the_fixture(tmp_path):
    source = tmp_path / "taxonomy.toml"
    source.write_text(TOML, encoding="utf-8")
    output = tmp_path / "problems.json"
    call_command("import_taxonomy", str(source), "--output", str(output))
    assert json.loads(output.read_text(encoding="utf-8")) == [{
        "code": "push.connect-refused", "area": "push",
        "summary_en": "Encoder cannot connect.", "summary_zh": "推流端无法连接。",
    }]


def test_import_taxonomy_refuses_an_unknown_area(tmp_path):
    source = tmp_path / "taxonomy.toml"
    source.write_text(TOML.replace('area = "push"', 'area = "space"'), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown area"):
        call_command("import_taxonomy", str(source), "--output", str(tmp_path / "p.json"))
