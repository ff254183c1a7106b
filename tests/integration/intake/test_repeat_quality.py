"""The labelled repeat questions keep the quality measured when the threshold was chosen."""

from services.intake.petitions import evaluate_repeats, repeats


async def test_labelled_repeats_are_found_first_and_other_matters_mostly_not(tmp_path):
    outcomes = await evaluate_repeats.run(f"sqlite+aiosqlite:///{tmp_path / 'evaluate.db'}")
    hits, suggested, truths = evaluate_repeats.counts(outcomes, repeats.THRESHOLD)
    assert truths == 32 and hits / truths >= 0.9
    assert hits / suggested >= 0.8
    ranks = [evaluate_repeats.rank_of(o) for o in outcomes if o.question["repeat_of"]]
    assert sum(rank == 1 for rank in ranks) >= 0.9 * len(ranks)
