"""Steps queue while paused; generated file names never replace a file; the editor's check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from event_streams import live_run_events, stream_config
from factories import make_config

from nntui.config import dump_config
from nntui.training.events import RunPaused, RunResumed
from nntui.training.record import Phase, RunRecord, fold
from nntui.tui.controller import RunController
from nntui.tui.run_export import free_stem
from nntui.tui.widgets.config_editor import check_text, overrides_text, problem_count


class FakeControl:
    """Counts the steps sent to the training thread."""

    def __init__(self) -> None:
        self.steps = 0

    def step(self) -> None:
        self.steps += 1

    def stop(self) -> None:
        pass


class FakeWorker:
    is_finished = False


def paused_controller() -> tuple[RunController, FakeControl]:
    controller = RunController(app=None)  # type: ignore[arg-type]  # never posts here
    events = live_run_events(epochs=30, done=4, paused=True)
    controller.record = fold(events, RunRecord(1, config=stream_config()))
    control = FakeControl()
    controller.control = control  # type: ignore[assignment]
    controller.worker = FakeWorker()  # type: ignore[assignment]
    controller.pause_wanted = True
    return controller, control


def test_quick_steps_are_sent_one_at_a_time_as_the_run_parks_again() -> None:
    controller, control = paused_controller()
    assert controller.record is not None and controller.record.phase is Phase.PAUSED

    assert controller.step() and controller.step() and controller.step()

    assert control.steps == 1 and controller.steps_queued == 2
    controller.receive(controller.run_id, [RunResumed(epoch=4)])
    controller.receive(controller.run_id, [RunPaused(epoch=5)])
    assert control.steps == 2 and controller.steps_queued == 1
    controller.receive(controller.run_id, [RunResumed(epoch=5), RunPaused(epoch=6)])
    assert control.steps == 3 and controller.steps_queued == 0
    controller.receive(controller.run_id, [RunResumed(epoch=6), RunPaused(epoch=7)])
    assert control.steps == 3  # nothing more was asked for


def test_a_stale_pause_of_the_same_epoch_does_not_send_the_next_step() -> None:
    controller, control = paused_controller()
    controller.step()
    controller.step()
    controller.receive(controller.run_id, [RunPaused(epoch=4)])  # the park itself, late
    assert control.steps == 1 and controller.steps_queued == 1


def test_step_is_refused_unless_the_run_is_held() -> None:
    controller, control = paused_controller()
    controller.pause_wanted = False
    assert not controller.step() and control.steps == 0


def test_resuming_forgets_queued_steps() -> None:
    controller, _ = paused_controller()
    controller.step()
    controller.step()

    class Resumable(FakeControl):
        def resume(self) -> None:
            pass

    controller.control = Resumable()  # type: ignore[assignment]
    assert controller.toggle_pause()
    assert controller.steps_queued == 0 and not controller.pause_wanted


def test_an_export_name_never_replaces_either_file_of_an_earlier_export(tmp_path: Path) -> None:
    assert free_stem(tmp_path, "nntui-run-1", (".csv", ".json")) == tmp_path / "nntui-run-1"
    (tmp_path / "nntui-run-1.json").write_text("{}")
    assert free_stem(tmp_path, "nntui-run-1", (".csv", ".json")) == tmp_path / "nntui-run-1-2"
    (tmp_path / "nntui-run-1-2.csv").write_text("")
    assert free_stem(tmp_path, "nntui-run-1", (".csv", ".json")) == tmp_path / "nntui-run-1-3"


def test_checking_the_text_lists_every_problem_with_its_line() -> None:
    text = dump_config(make_config()).replace("batch_size: 16", "batch_size: -4")
    text = text.replace("epochs: 3", "epochs: many")

    result = check_text(text, "config.yaml", {}, "apply")

    assert result.config is None and len(result.problems) == 2
    assert {problem.key for problem in result.problems} == {
        "training.batch_size",
        "training.epochs",
    }
    assert all(problem.line is not None for problem in result.problems)
    assert problem_count(result.problems) == "2 problems"


def test_checking_the_text_applies_the_overrides_on_top() -> None:
    text = "# my config\ntraining:\n  epochs: 10  # ten\n"
    overrides: dict[str, Any] = {"training.epochs": 3}

    result = check_text(text, "config.yaml", overrides, "save")

    assert result.config is not None and result.config.training.epochs == 3
    assert result.text == text  # the text saved is the text as written
    assert "training.epochs=3" in overrides_text(overrides)
    assert overrides_text({}) == ""
