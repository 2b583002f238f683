"""eclair.replay: workflow memory. Compile a verified run or a demonstration into a parameterized program, find
it again for a new request, replay it without a model (each step checked), heal a broken step with the live
policy, and export it as a standalone Playwright script."""

from eclair.replay.compile import NotCompilable, compile_demonstration, compile_run
from eclair.replay.program import Check, Program, ProgramStep, Target
from eclair.replay.replayer import ReplayResult, StepReport, replay, replay_task

__all__ = [
    "Check",
    "NotCompilable",
    "Program",
    "ProgramStep",
    "ReplayResult",
    "StepReport",
    "Target",
    "compile_demonstration",
    "compile_run",
    "replay",
    "replay_task",
]
