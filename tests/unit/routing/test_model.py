"""The routing model: scored only out of fold, honest confidence, the fast path, co-operating bodies."""

import pickle
import random
from collections import Counter
from dataclasses import replace

import pytest

from services.routing.classification.classifier import Classifier
from services.routing.classification.cooperation import request_clauses
from services.routing.classification.decision import ActiveModel, PetitionInput
from services.routing.classification.evaluate import default_classifier
from services.routing.classification.examples import INVENTED_SETS, base_examples
from services.routing.classification.model import RouteModel, UnreadableModel, word_grams
from services.routing.classification.places import UnitRecord
from services.routing.classification.training import (
    TARGET_PRECISION,
    cross_validate,
    figures,
    fit,
    fold_of,
    model_inputs,
    train,
)

OTHER_TEXTS = ("Cử tri xã Yên Hoa, huyện Na Hang đề nghị: Đầu tư nâng cấp tuyến đường lên thôn Bản Va.",
               "Đề nghị Quốc hội sửa đổi Luật Đất đai.", "mat dien keo dai o thon", "", "Đường   ĐT.186!!")


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


def _assert_served_equals_scikit_learn(fitted, inputs):
    served = RouteModel.loads(fitted.served.dumps())  # as the service reads it from its database
    analyzer = fitted.word_vectorizer.build_analyzer()
    for item, (routes, topics) in zip(inputs, fitted.rank_many(inputs), strict=True):
        assert word_grams(item.words) == analyzer(item.words)
        served_routes, served_topics = served.rank(item)
        assert [r for r, _ in served_routes] == [r for r, _ in routes] or _ties(routes)
        assert dict(served_routes) == pytest.approx(dict(routes), abs=1e-9)
        assert dict(served_topics) == pytest.approx(dict(topics), abs=1e-9)


def _ties(ranked) -> bool:
    probabilities = [p for _, p in ranked]
    return len(set(probabilities)) < len(probabilities)


def test_the_served_arrays_equal_scikit_learn_on_every_labelled_petition(rules, examples):
    # The service ranks with numpy alone (model.py); scikit-learn's predict_proba is the reference.
    inputs = model_inputs(rules, examples) + [rules.model_input(text) for text in OTHER_TEXTS]
    _assert_served_equals_scikit_learn(fit(rules, examples), inputs)


def test_two_routes_are_served_as_scikit_learn_scores_them(rules, examples):
    # With two classes scikit-learn keeps one row of coefficients and a logistic instead of a softmax.
    two = [route for route, _ in Counter(e.route for e in examples).most_common(2)]
    chosen = [e for e in examples if e.route in two]
    fitted = fit(rules, chosen)
    assert len(fitted.served.route_classes) == 2 and fitted.routes.coef_.shape[0] == 1
    _assert_served_equals_scikit_learn(fitted, model_inputs(rules, chosen[:40]))


def test_a_stored_model_decides_as_the_trained_one(rules, examples, trained):
    stored = RouteModel.loads(trained.model.dumps())
    live = rules.with_model(ActiveModel(1, trained.model, trained.threshold))
    loaded = rules.with_model(ActiveModel(1, stored, trained.threshold))
    for example in examples[::7]:
        petition = PetitionInput(example.content, example.unit_code)
        assert loaded.classify(petition) == live.classify(petition)


@pytest.mark.parametrize("blob", [pickle.dumps({"routes": "an older release's pickle"}), b"", b"PK\x03\x04 broken"])
def test_bytes_of_another_format_are_refused_without_running_them(blob):
    with pytest.raises(UnreadableModel):
        RouteModel.loads(blob)


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
