"""Smoke test of the benchmark's pure parts: percentiles, ratios, targets, Markdown (no full bench)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.run import (
    entry_ms,
    evaluate_targets,
    finite,
    percentile,
    proc_cpu_seconds,
    proc_peak_rss_mb,
    ratio,
    render_markdown,
    stage_sums,
    targets_table,
)
from service.stream_ids import entry_order


def _results() -> dict[str, object]:
    return {
        "machine": {"cores": 2, "cpu_model": "Test CPU", "python": "3.11", "spacy": "3.8"},
        "workload": {"articles": 10, "words": 3500, "mean_words": 350},
        "raw_spacy": {"articles_per_s": 10.0, "words_per_s": 3500.0},
        "offline": {"articles_per_s": 9.0, "words_per_s": 3150.0, "stages_s": {"spacy": 0.9, "events": 0.1}},
        "service_1": {"articles_per_s": 8.0, "words_per_s": 2800.0,
                      "stages_s": {"spacy": 1.0, "commit": 0.05}},
        "service_n": {"articles_per_s": 12.0, "words_per_s": 4200.0, "workers": 2},
        "latency": {"load_50": {"rate": 4.0, "achieved_per_s": 4.0, "n": 100, "p50_s": 0.2, "p95_s": 0.5,
                                "p99_s": 2.5, "max_s": 3.0}},
        "duplicates": {"n": 500, "per_s": 2000.0, "wall_ms_per_duplicate": 0.5, "cpu_ms_per_duplicate": 0.3},
        "workers": {"per_worker": [{"consumer": "w-0", "run": "1", "ready_s": 6.0, "cpu_s": 10.0,
                                    "peak_rss_mb": 650.0}], "max_peak_rss_mb": 650.0},
        "startup": {"single_s": 12.5},
    }


def test_bench_pure_helpers() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10.0], 99) == 10.0
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([5, 1, 3], 0) == 1 and percentile([5, 1, 3], 100) == 5
    assert math.isnan(percentile([], 50))
    assert entry_ms("1700000000123-7") == 1700000000123
    assert entry_order(b"5-2") == (5, 2) and entry_order("5-10") > entry_order("5-9")
    assert ratio(9.0, 10.0) == 0.9 and ratio(1.0, 0.0) is None and ratio(None, 1.0) is None
    assert finite({"a": [math.nan, 1.0], "b": math.inf}) == {"a": [None, 1.0], "b": None}

    targets = {t.name: t for t in evaluate_targets(_results())}
    assert targets["service_1 / offline"].value == pytest.approx(8 / 9)
    assert targets["service_1 / offline"].verdict == "FAIL"  # 0.889 < 0.90
    assert targets["offline / raw spaCy"].verdict == "PASS"  # 0.90 >= 0.85
    assert targets["service_2 / service_1"].value == pytest.approx(1.5)
    assert targets["service_2 / service_1"].verdict == "FAIL"
    assert targets["duplicate cost (1 worker, wall)"].verdict == "PASS"
    assert targets["p99 latency at 50% load"].verdict == "FAIL"
    assert targets["peak RSS per worker"].verdict == "PASS"
    assert targets["start-up to ready (1 worker)"].verdict == "FAIL"

    table = targets_table(list(targets.values()))
    assert table.splitlines()[0] == "| Metric | Value | Target | Result |"
    assert "| service_2 / service_1 | 1.500 | >= 1.7 | FAIL |" in table
    assert "| peak RSS per worker | 650.000 MB | <= 700 MB | PASS |" in table
    markdown = render_markdown(_results(), list(targets.values()))
    assert "| service, 2 workers | 12.00 | 4,200 |" in markdown
    assert "| 50% | 4.00 | 4.00 | 100 | 0.200 | 0.500 | 2.500 | 3.000 |" in markdown
    assert "| commit | n/a | 0.050 |" in markdown

    metrics = ('depeche_stage_duration_seconds_sum{stage="spacy"} 1.5\n'
               'depeche_stage_duration_seconds_count{stage="spacy"} 3.0\n'
               'depeche_stage_duration_seconds_sum{stage="commit"} 0.25\n')
    assert stage_sums("# TYPE depeche_stage_duration_seconds histogram\n" + metrics) == {"spacy": 1.5,
                                                                                         "commit": 0.25}
    if Path("/proc/self/stat").exists():
        import os

        assert (proc_cpu_seconds(os.getpid()) or 0) > 0
        assert (proc_peak_rss_mb(os.getpid()) or 0) > 1


def test_cpu_ratios() -> None:
    from bench.run import cpu_ratios

    results = {"raw_spacy": {"cpu_s_per_article": 0.1}, "offline": {"cpu_s_per_article": 0.125},
               "service_1": {"cpu_s_per_article": 0.125}, "service_n": {"cpu_s_per_article": 0.15}}
    assert cpu_ratios(results) == {"service_1 / offline (CPU)": 1.0, "offline / raw spaCy (CPU)": 0.8,
                                   "service_N per-article CPU / service_1": pytest.approx(1.2)}


def test_profile_summary_splits_samples_between_spacy_our_code_and_the_rest(tmp_path: Path) -> None:
    from bench.profile import summarize

    raw = tmp_path / "worker.raw"
    raw.write_text(
        "run (service/worker.py:10);pipeline_batch (service/pipeline.py:66);pipe (spacy/language.py:1600) 6\n"
        "run (service/worker.py:10);detect_language (service/language.py:30) 3\n"
        "select (selectors.py:468) 1\n"
    )
    summary = summarize(raw)
    assert "10 samples" in summary
    assert "60.0%  spaCy + thinc" in summary
    assert "30.0%  Dépêche" in summary
    assert "30.0%  detect_language" in summary
    assert "10.0%  other" in summary
