"""Flow files: validation (check_flows), versions, loading by bootstrap, the admin."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kb.wizard.flows import FlowError, flow_parse
from kb.wizard.models import Flow
from kb.wizard.services import flow_publish, flows_load_fixtures, session_answer, session_start
from tests.wizard.conftest import FIXTURES

pytestmark = pytest.mark.django_db

SMALL = """
slug = "small"
area = "push"
title.en = "Small"
title.zh-hans = "小"
summary.en = "s"
summary.zh-hans = "s"

[[step]]
id = "q"
kind = "question"
prompt.en = "Which?"
prompt.zh-hans = "哪个？"

[[step.choice]]
id = "a"
label.en = "A"
label.zh-hans = "甲"
next = "fix"

[[step.choice]]
id = "b"
label.en = "B"
label.zh-hans = "乙"
next = "{b_next}"

[[step]]
id = "fix"
kind = "fix"
prompt.en = "Try"
prompt.zh-hans = "试试"
next = "ticket"

[[step.fix]]
article = "{article}"
why.en = "because"
why.zh-hans = "因为"

[[step]]
id = "ticket"
kind = "escalate"
prompt.en = "Ticket"
prompt.zh-hans = "工单"
subject.en = "S"
subject.zh-hans = "S"
"""


def small(b_next="ticket", article="push-already-publishing") -> str:
    return SMALL.replace("{b_next}", b_next).replace("{article}", article)


class TestValidation:
    def test_a_valid_flow_parses(self):
        definition = flow_parse(small())
        assert definition["start"] == "q" and definition["order"] == ["q", "fix", "ticket"]

    def test_a_dead_end_is_refused(self):
        with pytest.raises(FlowError, match="unknown step 'nowhere'"):
            flow_parse(small(b_next="nowhere"))

    def test_a_cycle_is_refused(self):
        with pytest.raises(FlowError, match="cycle: q -> q"):
            flow_parse(small(b_next="q"))

    def test_a_missing_language_is_refused(self):
        with pytest.raises(FlowError, match=r"prompt.zh-hans is missing"):
            flow_parse(small().replace('prompt.zh-hans = "试试"\n', ""))

    def test_a_step_never_reached_is_refused(self):
        text = small() + '\n[[step]]\nid = "orphan"\nkind = "check"\nprompt.en = "x"\n' \
                         'prompt.zh-hans = "x"\nnext = "ticket"\n'
        with pytest.raises(FlowError, match="never reached from start: orphan"):
            flow_parse(text)

    def test_unknown_kinds_keys_and_values_are_refused(self):
        with pytest.raises(FlowError) as caught:
            flow_parse(small().replace('kind = "fix"', 'kind = "magic"')
                       .replace('id = "a"', 'id = "a"\nsets = { region = "moon", colour = 1 }'))
        text = str(caught.value)
        assert "kind must be one of" in text and "'moon' is not one of" in text
        assert "unknown key 'colour'" in text

    def test_invalid_toml_is_refused(self):
        with pytest.raises(FlowError, match="not valid TOML"):
            flow_parse("slug = ")

    def test_check_flows_fails_on_an_unpublished_or_unknown_article(self, site_content,
                                                                    tmp_path, capsys):
        (tmp_path / "small.toml").write_text(small(article="no-such-fix"))
        with pytest.raises(CommandError, match="2 problem"):
            call_command("check_flows", root=tmp_path)
        errors = capsys.readouterr().err
        assert "small.toml: step fix: article 'no-such-fix' is not published in en" in errors
        assert "is not published in zh-hans" in errors

    def test_check_flows_fails_on_a_fix_published_in_one_language_only(self, site_content,
                                                                      tmp_path):
        from kb.articles.models import Article

        Article.objects.filter(slug="push-already-publishing", language="zh-hans").update(
            status=Article.Status.DRAFT)
        (tmp_path / "small.toml").write_text(small())
        with pytest.raises(CommandError):
            call_command("check_flows", root=tmp_path)


class TestVersions:
    def test_a_running_session_finishes_on_the_version_it_started(self, site_content):
        flow = Flow.objects.get(slug="push-cannot-publish")
        running = session_start(flow=flow, language="en")
        v1 = running.flow_version
        flow.draft = flow.draft.replace('prompt.en = "What does the encoder say?"',
                                        'prompt.en = "What error does the encoder show?"')
        v2 = flow_publish(flow=flow)
        assert v2.number == v1.number + 1
        fresh = session_start(flow=flow, language="en")
        assert fresh.flow_version == v2
        session_answer(session=running, step_id="protocol", choice="rtmp")
        running.refresh_from_db()
        assert running.flow_version == v1
        assert running.definition["steps"]["symptom"]["prompt"]["en"] == \
            "What does the encoder say?"
        session_answer(session=running, step_id="symptom", choice="already-publishing")
        session_answer(session=running, step_id="fixes", fixed="yes")
        running.refresh_from_db()
        assert running.outcome == "resolved"
        assert fresh.definition["steps"]["symptom"]["prompt"]["en"] == \
            "What error does the encoder show?"

    def test_bootstrap_publishes_a_changed_file_once(self, site_content, tmp_path):
        flow = Flow.objects.get(slug="push-cannot-publish")
        before = flow.versions.count()
        source = (FIXTURES / "flows" / "push-cannot-publish.toml").read_text()
        (tmp_path / "push-cannot-publish.toml").write_text(source)
        assert flows_load_fixtures(root=tmp_path).unchanged == 1
        (tmp_path / "push-cannot-publish.toml").write_text(source.replace(
            "most push failures are a setting", "most push failures are one setting"))
        assert flows_load_fixtures(root=tmp_path).published == 1
        assert flows_load_fixtures(root=tmp_path).unchanged == 1
        assert flow.versions.count() == before + 1

    def test_a_broken_file_stops_the_load_with_its_name(self, site_content, tmp_path):
        from kb.core.exceptions import ApplicationError

        (tmp_path / "bad.toml").write_text(small(b_next="nowhere"))
        with pytest.raises(ApplicationError, match="bad.toml"):
            flows_load_fixtures(root=tmp_path)


INLINE = {"versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
          "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000"}


class TestAdmin:
    @pytest.fixture
    def staff_client(self, client, django_user_model, site_content):
        admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
        client.force_login(admin)
        return client

    def test_staff_save_and_publish_a_draft_as_the_next_version(self, staff_client):
        flow = Flow.objects.get(slug="operations-platform")
        latest = flow.versions.order_by("-number").first().number
        draft = flow.draft.replace("Check these settings first.", "Check these first.")
        response = staff_client.post(f"/admin/wizard/flow/{flow.pk}/change/",
                                     {"draft": draft, "_publish": "1", **INLINE})
        assert response.status_code == 302
        version = flow.versions.order_by("-number").first()
        assert version.number == latest + 1
        assert version.definition["steps"]["fixes"]["prompt"]["en"] == "Check these first."

    def test_an_invalid_draft_is_refused_with_the_reasons(self, staff_client):
        flow = Flow.objects.get(slug="operations-platform")
        draft = flow.draft.replace('next = "ticket"', 'next = "tikcet"', 1)
        response = staff_client.post(f"/admin/wizard/flow/{flow.pk}/change/",
                                     {"draft": draft, "_publish": "1", **INLINE})
        assert response.status_code == 200
        assert "unknown step" in response.content.decode()
        flow.refresh_from_db()
        assert "tikcet" not in flow.draft

    def test_sessions_show_their_transcript(self, staff_client):
        flow = Flow.objects.get(slug="push-cannot-publish")
        session = session_start(flow=flow, language="en")
        session_answer(session=session, step_id="protocol", choice="srt")
        page = staff_client.get(f"/admin/wizard/wizardsession/{session.id}/change/")
        assert "Which protocol does the encoder push with?" in page.content.decode()


def _texts(node):
    """Every translated text in a flow definition: dicts keyed by language."""
    if isinstance(node, dict):
        if "en" in node or "zh-hans" in node:
            yield node
        else:
            for value in node.values():
                yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def test_every_fixture_flow_file_is_valid_toml_with_both_languages():
    paths = sorted(Path(FIXTURES / "flows").glob("*.toml"))
    assert len(paths) >= 6
    for path in paths:
        definition = flow_parse(path.read_text())
        assert definition["slug"] == path.stem
        texts = list(_texts(definition))
        assert len(texts) > len(definition["steps"])  # the title and every prompt at least
        for text in texts:
            assert text.get("en", "").strip() and text.get("zh-hans", "").strip(), (
                path.name, text)
