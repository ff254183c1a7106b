"""The routing model: scored only out of fold, honest confidence, the fast path, co-operating bodies."""

import random
from dataclasses import replace

import pytest

from services.routing.classification.classifier import Classifier
from services.routing.classification.cooperation import request_clauses
from services.routing.classification.decision import ActiveModel, PetitionInput
from services.routing.classification.evaluate import default_classifier
from services.routing.classification.examples import INVENTED_SETS, base_examples
from services.routing.classification.places import UnitRecord
from services.routing.classification.training import (
    TARGET_PRECISION,
    cross_validate,
    figures,
    fold_of,
    train,
)


@pytest.fixture(scope="module")
def rules():
    return default_classifier()


@pytest.fixture(scope="module")
def examples():
    return base_examples()


@pytest.fixture(scope="module")
def trained(rules, examples):
    return train(rules, examples)


def test_every_labelled_set_is_in_the_base(examples):
    origins = {(e.set_name, e.origin) for e in examples}
    assert {name for name, _ in origins} >= {*INVENTED_SETS, "petitions-real-dev.jsonl",
                                             "petitions-real-other-dev.jsonl"}
    assert len(examples) >= 347


def test_folds_partition_the_examples(examples):
    assignment = fold_of(examples)
    assert sorted(set(assignment)) == [0, 1, 2, 3, 4]
    assert max(list(assignment).count(f) for f in range(5)) - min(list(assignment).count(f) for f in range(5)) <= 1


def test_cross_validation_never_scores_what_it_trained_on(rules, examples):
    # Labels shuffled among the invented petitions: a model scored on its own training petitions would
    # still get most of them "right"; out of fold it can only do about as well as chance.
    invented = [e for e in examples if e.origin == "invented"]
    labels = [(e.level, e.agency_kind, e.agency_code) for e in invented]
    random.Random(7).shuffle(labels)
    noise = [replace(e, level=lv, agency_kind=kind, agency_code=code) for e, (lv, kind, code) in zip(invented, labels)]
    assert figures(cross_validate(rules, noise))["all"]["agency"] < 0.35
    assert figures(cross_validate(rules, invented))["all"]["agency"] > 0.9


def test_automatic_assignments_are_right_at_the_target_rate(trained):
    everything = figures(trained.validation)["all"]
    assert everything["automatic_precision"] >= TARGET_PRECISION
    assert everything["review_share"] < 0.6  # and most invented-style petitions still go straight through
    invented = figures(trained.validation)["invented"]
    assert invented["review_share"] < 0.2 and invented["agency"] >= 0.95


def test_the_fast_path_equals_scikit_learn(rules, trained):
    model = trained.model
    for content in ("Cử tri xã Yên Hoa, huyện Na Hang đề nghị: Đầu tư nâng cấp tuyến đường lên thôn Bản Va.",
                    "Đề nghị Quốc hội sửa đổi Luật Đất đai.", "mat dien keo dai o thon"):
        item = rules.model_input(content)
        routes, topics = model.rank(item)
        matrix = model._matrix([item], fit=False)
        expected = dict(zip(model.routes.classes_, model.routes.predict_proba(matrix)[0]))
        assert all(abs(expected[route] - p) < 1e-9 for route, p in routes)
        expected_topics = dict(zip(model.topics.classes_, model.topics.predict_proba(matrix)[0]))
        assert all(abs(expected_topics[topic] - p) < 1e-9 for topic, p in topics)


def test_a_decision_carries_its_audit_fields(rules, trained):
    classifier = rules.with_model(ActiveModel(7, trained.model, trained.threshold))
    content = "Cử tri xã Yên Hoa, huyện Na Hang đề nghị: Đầu tư nâng cấp tuyến đường từ xã Yên Hoa lên thôn Bản Va."
    decision = classifier.classify(PetitionInput(content, "02248"))
    assert (decision.level, decision.agency_code) == ("district", "072.UBND")
    assert decision.rule_id == "dau_tu_ha_tang_dia_phuong" and "đầu tư" in decision.rule_hits
    assert decision.model_version == 7 and len(decision.candidates) == 3
    assert [c.probability for c in decision.candidates] == sorted((c.probability for c in decision.candidates),
                                                                   reverse=True)
    assert decision.place["commune"] == "02248" and decision.place["district"] == "072"
    assert any("Mô hình học (phiên bản 7)" in line for line in decision.explanation)


def test_a_district_route_without_a_known_district_waits_for_review(rules, trained):
    classifier = rules.with_model(ActiveModel(1, trained.model, trained.threshold))
    decision = classifier.classify(PetitionInput("Đề nghị đầu tư xây dựng cầu treo qua sông cho nhân dân đi lại.", "08"))
    assert decision.level == "district" and decision.agency_code == "08.UBND"
    assert not decision.automatic


def test_several_requests_name_a_lead_and_co_operating_bodies(rules):
    content = ("Cử tri xã Tân Trào đề nghị nâng cấp tuyến ĐT.186 đoạn qua xã đang xuống cấp; "
               "đồng thời đề nghị đầu tư trạm biến áp cho thôn Tân Lập vì điện yếu.")
    assert len(request_clauses(content)) == 2
    decision = rules.classify(PetitionInput(content, "02545"))
    assert decision.agency_code == "08.SGTVT"
    assert decision.cooperating and "08.SGTVT" not in decision.cooperating
    assert any("phối hợp" in line for line in decision.explanation)
    single = rules.classify(PetitionInput("Đề nghị nâng cấp tuyến ĐT.186 đoạn qua xã đang xuống cấp, đi lại khó khăn.",
                                          "02545"))
    assert single.cooperating == ()


def test_a_second_province_in_the_catalog_does_not_replace_the_councils(rules):
    units = [*rules.gazetteer.units.values(), UnitRecord("01", "Thành phố Hà Nội", "province", None)]
    merged = Classifier(rules.rulebook, units, list(rules.agencies.values()), province="08")
    assert merged.province == "08"
    decision = merged.classify(PetitionInput("Đề nghị nâng cấp Quốc lộ 37 đoạn qua huyện Sơn Dương.", "076"))
    assert decision.agency_code == "08.DDBQH"
