"""The app's run keys: pause, stop, step, switch task, save, new seed, continue, walkthrough.

A mixin of :class:`~nntui.tui.app.NNTuiApp`: each action asks the
:class:`~nntui.tui.controller.RunController` to act on the run, and says in app
terms (not CLI flags) when it cannot.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from textual.app import App

from nntui.config import DATA_SOURCES, ConfigError, source_tasks, with_overrides
from nntui.runs.resume import ResumeError, plan_resume
from nntui.runs.store import RunLookupError, RunStore
from nntui.tui.screens.continue_prompt import ContinuePrompt
from nntui.tui.screens.walkthrough import walkthrough_job
from nntui.tui.widgets.config_editor import problem_line

if TYPE_CHECKING:
    from nntui.config import Config
    from nntui.runs.resume import ResumePlan
    from nntui.training.datasets import RunData
    from nntui.tui.controller import RunController
    from nntui.tui.screens.monitor import MonitorScreen

#: Why ``c`` cannot continue: the run has no folder in the run store.
NOT_RECORDED = (
    "Nothing to continue: this run is not recorded (logging.runs_dir is null); "
    "set logging.runs_dir (press e) and retrain."
)


class RunActions(App[int]):
    """The actions that act on the current run (keys: :mod:`nntui.tui.actions`)."""

    controller: RunController
    monitor: MonitorScreen
    config: Config

    async def start_run(
        self,
        *,
        plan: ResumePlan | None = None,
        seed: int | None = None,
        data: RunData | None = None,
    ) -> None:
        """Start a run of :attr:`config` (the app implements it)."""
        raise NotImplementedError

    def action_toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        if not self.controller.toggle_pause():
            self.notify("No run in progress: press r to train again.")
        self.monitor.redraw_now()
        self.refresh_bindings()  # Step is live only while paused

    def action_stop(self) -> None:
        """Stop the run after its current batch; what it learned stays on screen."""
        if not self.controller.request_stop():
            self.notify("No run in progress.")
        self.monitor.redraw_now()
        self.refresh_bindings()

    def action_step(self) -> None:
        """While paused: train one more epoch per press (presses queue), then pause again."""
        if not self.controller.can_pause:
            self.notify("No run in progress: press r to train again.")
        elif not self.controller.step():
            self.notify("Step trains one epoch of a paused run: press p to pause first.")
        elif self.controller.steps_queued:
            self.notify(f"{self.controller.steps_queued + 1} epochs to step", timeout=1.5)

    async def action_switch_task(self) -> None:
        """Switch classification ⇄ regression and start a new run of the current config."""
        other = "regression" if self.config.task == "classification" else "classification"
        try:
            config = with_overrides(self.config, {"task": other})
        except ConfigError as error:
            self.notify(self._task_refusal(other, error), severity="error")
            return
        self.config = config
        self.sub_title = other
        await self.start_run()

    def _task_refusal(self, other: str, error: ConfigError) -> str:
        """Why ``t`` cannot switch to ``other``, in the app's terms (not the CLI's flags)."""
        source = self.config.data.source
        if other in source_tasks(source):
            why = problem_line(error.problems[0]) if error.problems else str(error)
            return f"Cannot switch to {other}: {why}"
        serving = ", ".join(name for name in DATA_SOURCES if other in source_tasks(name))
        return (
            f"The {source} data is {self.config.task} data only, so it cannot train {other}. "
            f"For {other}, press e and set data.source to one of: {serving}."
        )

    def action_save_model(self) -> None:
        """Save the current run's network for ``nntui predict`` (to a new file, never over one)."""
        refused = self.controller.save_model()
        if refused is not None:
            self.notify(refused, severity="error")

    async def action_retrain_new_seed(self) -> None:
        """Retrain the current config with a new random ``data.random_seed``."""
        seed = secrets.randbelow(2**31)
        try:
            config = with_overrides(self.config, {"data.random_seed": seed})
        except ConfigError as error:  # pragma: no cover - any seed ≥ 0 is valid
            self.notify(f"Not retrained: {error}", severity="error")
            return
        self.config = config
        await self.start_run(seed=seed)

    def action_continue_run(self) -> None:
        """Continue the current run for more epochs from its checkpoint (asks how many)."""
        recorder = self.controller.recorder
        if recorder is None:
            self.notify(NOT_RECORDED, severity="error")
        elif not isinstance(self.screen, ContinuePrompt):
            prompt = ContinuePrompt(recorder.id, self.config.training.epochs)
            self.push_screen(prompt, self._continue_for)

    async def _continue_for(self, more: int | None) -> None:
        recorder = self.controller.recorder
        if more is None or recorder is None:
            return
        await self.controller.stop()  # a live run stops first: its checkpoint is written
        try:
            plan = plan_resume(RunStore(recorder.folder.path.parent), recorder.id, more)
        except (ResumeError, RunLookupError) as error:
            self.notify(f"Not continued: {error}", severity="error")
            return
        await self.start_run(plan=plan)

    def action_walkthrough(self) -> None:
        """Paused or finished: one test sample through the network, step by step."""
        job = walkthrough_job(self.controller.runner, self.controller.record)
        if isinstance(job, str):
            self.notify(job)
            return
        post = self.post_message
        self.run_worker(lambda: post(job()), thread=True, group="walkthrough")
