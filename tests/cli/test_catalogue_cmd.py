"""``backcoach exercises [ID]`` as a person runs it."""

from __future__ import annotations

import subprocess
import sys

from backcoach.domain.catalogue_loader import load_catalogue
from backcoach.domain.exercises import EXERCISE_IDS

from .conftest import Cli


def test_exercises_lists_all_nine(cli: Cli) -> None:
    out = cli.ok("exercises")
    for exercise_id in EXERCISE_IDS:
        assert exercise_id in out
    assert "Forearm plank" in out or "forearm" in out.lower()
    # doses read as a person says them
    assert "3 holds of 15 s" in out and "of 1 hold" not in out
    assert "10 reps, holding each 2 s, 2 sets" in " ".join(out.replace("│", " ").split())  # pelvic tilt


def test_one_exercise_shows_steps_dose_cues_mistakes_safety_and_variants(cli: Cli) -> None:
    bridge = load_catalogue().get("bridge")
    out = " ".join(cli.ok("exercises", "bridge").split())
    for heading in ("Steps", "Breathing", "Tempo", "Dose", "Common mistakes", "Safety", "Easier", "Harder"):
        assert heading in out
    assert " ".join(f"1. {bridge.steps[0]}".split()) in out
    assert " ".join(bridge.mistakes[0].split()) in out
    assert bridge.harder.name in out
    assert "Dose: 8 reps" in out


def test_an_unknown_exercise_is_one_line_and_exit_2(cli: Cli) -> None:
    line = cli.fails("exercises", "plank")
    assert "unknown exercise 'plank'" in line and "forearm_plank" in line


def test_everyday_commands_do_not_load_the_video_or_web_libraries() -> None:
    """Start-up stays quick: only analyse, eval and serve pay for OpenCV, MediaPipe and the web stack."""
    heavy = ("cv2", "mediapipe", "fastapi", "uvicorn", "backcoach.services.analysis")
    code = f"import sys, backcoach.cli.app; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
