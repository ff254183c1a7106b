"""The domain vocabulary lives once (shared.events) and reads the same on every page and report."""

import pytest

from services.monitoring import labels as report_labels
from services.web import labels as page_labels
from shared import labels
from shared.events import Level, Status, StatusChanged, Topic, Verdict


@pytest.mark.parametrize("status", list(Status))
def test_a_status_reads_the_same_in_reports_and_on_pages(status):
    assert report_labels.STATUS[status] == page_labels.STATUS[status] == labels.STATUS[status]


@pytest.mark.parametrize(("enum", "table"), [(Status, labels.STATUS), (Level, labels.LEVEL),
                                             (Topic, labels.TOPIC), (Verdict, labels.VERDICT)])
def test_every_member_of_the_vocabulary_has_a_vietnamese_label(enum, table):
    assert set(enum) <= set(table)
    assert all(table[member].strip() and table[member] != member.value for member in enum)


def test_pages_and_reports_use_the_same_tables():
    for name in ("STATUS", "TOPIC", "VERDICT", "CONCLUSION"):
        assert getattr(page_labels, name) is getattr(report_labels, name) is getattr(labels, name)
    assert page_labels.LEVEL.items() <= report_labels.LEVEL.items()


def test_an_event_refuses_a_status_outside_the_vocabulary():
    with pytest.raises(ValueError):
        StatusChanged(from_status="assigned", to_status="done", by="x")
    event = StatusChanged(from_status="assigned", to_status="resolved", by="x")
    assert event.to_status is Status.RESOLVED
    assert event.model_dump(mode="json")["to_status"] == "resolved"


def test_the_routing_topic_file_names_only_topics_of_the_contract(tmp_path):
    from services.routing.classification.rulebook import DEFAULT_RULES_FILE, RulebookError, load_rulebook

    assert set(load_rulebook().topics) == set(Topic)
    unknown = tmp_path / "topics.yaml"
    unknown.write_text("giao_thong: {label: Giao thông}\nthoi_tiet: {label: Thời tiết}\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="thoi_tiet"):
        load_rulebook(DEFAULT_RULES_FILE, unknown)
