"""Each stage's worker is sized by its setting; CPU stages run as processes, I/O ones as threads."""

from __future__ import annotations

import os

from services.cli.workers import stage_spec, worker_specs
from services.common.settings import Settings


def _option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_every_stage_has_workers_on_its_own_queue() -> None:
    specs = worker_specs(Settings(), with_scheduler=False)

    assert {spec.stage: _option(spec.args, "-Q") for spec in specs} == {
        "ingest": "ingest", "extract": "extract", "classify": "classify",
        "index": "index", "alerts": "alerts",
    }
    assert all(_option(spec.args, "-Q") == spec.stage for spec in specs)
    assert [_option(s.args, "-P") for s in specs if s.stage == "ingest"] == ["threads"]


def test_a_cpu_stage_of_several_processes_can_run_as_that_many_single_process_workers() -> None:
    settings = Settings(extract_concurrency=3, cpu_stage_pool="solo")
    specs = [s for s in worker_specs(settings, with_scheduler=False) if s.stage == "extract"]

    assert [s.name for s in specs] == ["extract-1", "extract-2", "extract-3"]
    assert {_option(s.args, "-n") for s in specs} == {"extract-1@%h", "extract-2@%h", "extract-3@%h"}
    assert {(_option(s.args, "-P"), _option(s.args, "-c")) for s in specs} == {("solo", "1")}


def test_a_cpu_stage_of_several_processes_is_one_prefork_pool_by_default() -> None:
    specs = [s for s in worker_specs(Settings(extract_concurrency=3), with_scheduler=False)
             if s.stage == "extract"]

    assert [(s.name, _option(s.args, "-P"), _option(s.args, "-c")) for s in specs] == [
        ("extract", "prefork", "3")
    ]


def test_one_worker_of_a_cpu_stage_is_still_one_pool_of_its_setting() -> None:
    # `bri worker extract` (one per container) keeps its processes under one worker.
    args = stage_spec(Settings(extract_concurrency=3), "extract").args
    assert (_option(args, "-P"), _option(args, "-c")) == ("prefork", "3")


def test_extraction_defaults_to_one_process_per_core_and_follows_its_setting() -> None:
    cores = len(os.sched_getaffinity(0))
    assert _option(stage_spec(Settings(), "extract").args, "-c") == str(cores)
    assert _option(stage_spec(Settings(extract_concurrency=3), "extract").args, "-c") == "3"


def test_two_workers_of_a_stage_get_distinct_node_names() -> None:
    settings = Settings()
    names = {_option(stage_spec(settings, "ingest", node).args, "-n") for node in ("a", "b")}
    assert names == {"a@%h", "b@%h"}


def test_a_cpu_stage_of_one_process_runs_in_the_worker_itself() -> None:
    args = stage_spec(Settings(classify_concurrency=1), "classify").args
    assert (_option(args, "-P"), _option(args, "-c")) == ("solo", "1")
