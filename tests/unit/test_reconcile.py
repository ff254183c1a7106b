"""The comparisons behind `make reconcile`, on views as the three APIs return them."""

from scripts.reconcile import compare_views, report_differences


def _views():
    intake = {"p1": {"id": "p1", "code": "KN-1", "latest_status": "in_progress", "agency_code": "08.SGTVT"}}
    routing = {"p1": {"petition_id": "p1", "petition_code": "KN-1", "state": "assigned", "agency_code": "08.SGTVT",
                      "topic": "giao_thong"}}
    monitoring = {"p1": {"petition_id": "p1", "code": "KN-1", "status": "in_progress", "agency_code": "08.SGTVT",
                         "topic": "giao_thong"}}
    return intake, routing, monitoring


def test_agreeing_views_have_no_differences():
    assert compare_views(*_views()) == []


def test_each_kind_of_difference_is_named_with_the_petition_code():
    intake, routing, monitoring = _views()
    routing["p1"]["topic"] = "dat_dai"
    intake["p1"]["latest_status"] = "assigned"
    intake["p2"] = {"id": "p2", "code": "KN-2", "latest_status": "awaiting_routing", "agency_code": None}
    assert compare_views(intake, routing, monitoring) == [
        "KN-1: topic: routing dat_dai, monitoring giao_thong",
        "KN-1: intake shows assigned at 08.SGTVT, monitoring in_progress at 08.SGTVT",
        "KN-2: missing in routing, monitoring",
    ]


def test_a_report_must_count_each_petition_once_by_its_status():
    _, _, monitoring = _views()
    share = {"count": 1, "percent": 100.0}
    report = {"total": 1, "by_status": {"in_progress": share, "resolved": share}, "by_level": {"province": share},
              "by_agency": {"08.SGTVT": share}, "by_topic": {"giao_thong": share}, "timeliness": {"on_time": share}}
    assert report_differences(report, monitoring) == [
        "monthly report by_status counts 2, its total is 1",
        "monthly report: 1 resolved, monitoring holds 0",
    ]
