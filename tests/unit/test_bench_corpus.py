"""The search bench's generated petitions are indexed as the service would index them."""

import uuid

from benchmarks import bench_search
from services.intake.petitions.search import petition_terms
from shared.text import fold


def test_generated_rows_hold_the_tokens_the_service_computes():
    corpus = bench_search.Corpus(seed=3)
    for row in bench_search.petition_rows(corpus, 2000, uuid.uuid4(), uuid.uuid4()):
        code, content, folded, terms = row[1], row[5], row[6], row[7]
        assert folded == fold(content)
        assert sorted(terms.split()) == sorted(set(petition_terms(content, code).split()))
