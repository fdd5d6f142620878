"""``backcoach analyse`` (a video or trace -> reps, holds, form findings) and ``backcoach eval`` (scores).

Thin commands over ``backcoach.services.analysis`` and ``backcoach.services.evaluation``: a
progress bar on stderr, a readable summary on stdout. Problems with the input raise
``InvalidInput`` / ``NotFound``, which the app prints as one line with exit status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from backcoach.services.errors import InvalidInput

if TYPE_CHECKING:  # the analysis (numpy, the motion engine) loads only when analyse or eval runs
    from backcoach.services.analysis import AnalysisReport
    from backcoach.services.evaluation import EvalReport

__all__ = ["register", "render_eval", "render_report"]


def _catalogue_entry(exercise_id: str) -> Any | None:
    try:
        from backcoach.domain.catalogue_loader import default_catalogue

        return default_catalogue().get(exercise_id)
    except Exception:  # the catalogue is optional here: the id is still a fine name
        return None


def _exercise_name(exercise_id: str) -> str:
    entry = _catalogue_entry(exercise_id)
    return str(entry.name) if entry is not None else exercise_id.replace("_", " ").capitalize()


def _counts_holds_only(exercise_id: str) -> bool:
    entry = _catalogue_entry(exercise_id)
    return entry is not None and getattr(entry.dosage, "kind", "") == "hold"


@contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr, fed by ``on_progress(done, total)``."""
    console = Console(stderr=True)
    if not console.is_terminal:  # a pipe or a file gets no bar, only the result
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        yield on_progress


def _reps_text(report: AnalysisReport) -> str:
    if not report.reps:
        return "0"
    if set(report.reps) == {"both"}:
        return str(report.reps["both"])
    parts = [f"{side} {count}" for side, count in sorted(report.reps.items())]
    return f"{report.total_reps} ({', '.join(parts)})"


def _uncounted_reps_text(report: AnalysisReport) -> str:
    """For an exercise a camera cannot count: what it saw, said as a guess, never as a count."""
    timer = "this one runs as a guided timer"
    if report.total_reps == 0:
        return f"not counted by the camera; {timer}"
    reps = "rep" if report.total_reps == 1 else "reps"
    low = "low " if report.confidence < 0.5 else ""
    return (
        f"not counted by the camera (it saw about {report.total_reps} possible {reps}, "
        f"{low}confidence {report.confidence:.2f}); {timer}"
    )


def render_report(report: AnalysisReport) -> str:
    """The plain-text summary ``backcoach analyse`` prints."""
    from backcoach.services.analysis import format_time_s

    lines = [
        f"File: {report.source}",
        f"Length: {report.duration_s:.1f} s, {report.frames} frames at {report.fps:g} fps; "
        f"a person in {report.frames_with_person} of them",
    ]
    if report.recognised is not None:
        confidence = report.recognition_confidence or 0.0
        if report.exercise is None:
            lines.append(
                "Exercise: not one of the nine, or not recognised "
                f"(confidence {confidence:.2f}). Tell me which with --exercise ID."
            )
            return "\n".join(lines)
        when = f" after {report.recognised_after_s:.1f} s" if report.recognised_after_s is not None else ""
        lines.append(
            f"Exercise: {_exercise_name(report.exercise)} ({report.exercise}), "
            f"recognised{when} with confidence {confidence:.2f}"
        )
    elif report.exercise is not None:
        lines.append(f"Exercise: {_exercise_name(report.exercise)} ({report.exercise})")
    if report.exercise is not None and not (report.total_reps == 0 and _counts_holds_only(report.exercise)):
        lines.append(f"Reps: {_reps_text(report) if report.camera_counts else _uncounted_reps_text(report)}")
    if report.holds:
        lines.append("Holds:")
        for number, hold in enumerate(report.holds, start=1):
            side = f" ({hold.side})" if hold.side else ""
            lines.append(
                f"  {number}. {format_time_s(hold.start_s)} to {format_time_s(hold.end_s)}: "
                f"held {hold.held_s:.1f} s{side}"
            )
    elif report.exercise is not None and _counts_holds_only(report.exercise):
        lines.append("Holds: none")
    # "camera_cannot_see" is said once by timer-only analysers: the note below says it in words.
    timer_only = not report.camera_counts
    findings = [f for f in report.findings if not (timer_only and f.code == "camera_cannot_see")]
    if findings:
        lines.append("Form:")
        for finding in findings:
            words = finding.cue or finding.code.replace("_", " ")
            side = f" ({finding.side})" if finding.side else ""
            again = ""
            if finding.times > 1:
                again = f" (seen {finding.times} times, until {format_time_s(finding.last_t_s)})"
            lines.append(f"  {format_time_s(finding.t_s)}  {finding.code}{side}: {words}{again}")
    elif timer_only:
        lines.append("Form: not checked (a camera cannot see this exercise well)")
    else:
        lines.append("Form: nothing to correct was seen")
    if report.framing:
        lines.append("Framing:")
        for problem in report.framing:
            lines.append(
                f"  {format_time_s(problem.start_s)}-{format_time_s(problem.end_s)}  "
                f"{problem.code}: {problem.help or problem.code.replace('_', ' ')}"
            )
    if not report.camera_counts:
        lines.append(
            "Note: a camera cannot see this exercise well, so these numbers come from a guided "
            "timer, not from watching you."
        )
    lines.append(f"Confidence: {report.confidence:.2f}")
    lines.extend(f"Note: {note}" for note in report.notes)
    return "\n".join(lines)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _expected(clip: dict[str, Any]) -> str:
    if clip["reps_expected"] is None:
        return "-"
    if clip["reps_max"] is not None and clip["reps_max"] != clip["reps_expected"]:
        return f"{clip['reps_expected']}-{clip['reps_max']}"
    return str(clip["reps_expected"])


def _fraction(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_eval(report: EvalReport, console: Console) -> None:
    """The per-clip table and the summary of ``backcoach eval``."""
    table = Table(title=f"Scores on {report.labels}")
    for name in ("clip", "exercise", "reps", "counted", "exact", "OBO", "hold err s", "recognised", "conf"):
        # in a narrow terminal long names wrap onto more lines rather than being cut short
        table.add_column(name, overflow="fold")
    for evaluation in report.clips:
        clip = evaluation.to_json()
        holds = " ".join(f"{h['start_error_s']:.1f}/{h['end_error_s']:.1f}" for h in clip["holds"]) or "-"
        recognised = clip["recognised"] or "-"
        if clip["recognition_right"] is not None:
            recognised += " ok" if clip["recognition_right"] else f" (want {clip['expected_recognition']})"
        if clip["recognised_after_s"] is not None:
            recognised += f" @{clip['recognised_after_s']:.1f}s"
        table.add_row(
            clip["clip"],
            clip["exercise"],
            _expected(clip),
            "-" if clip["reps_counted"] is None else str(clip["reps_counted"]),
            _yes_no(clip["exact"]),
            _yes_no(clip["obo"]),
            holds,
            recognised,
            _fraction(clip["confidence"]),
        )
    console.print(table)
    s = report.summary
    console.print(f"exact: {_fraction(s.exact)} over {s.count_clips} clips")
    console.print(f"OBO:   {_fraction(s.obo)}")
    console.print(f"MAE:   {_fraction(s.mae)}")
    console.print(
        f"hold error: median {_fraction(s.hold_error_s_median)} s "
        f"(start {_fraction(s.hold_start_error_s_median)} s, end {_fraction(s.hold_end_error_s_median)} s) "
        f"over {s.holds} holds"
    )
    console.print(f"recognition: {_fraction(s.recognition)} over {s.recognition_clips} clips")


def register(app: typer.Typer) -> None:
    """Add ``analyse`` and ``eval`` to the app."""

    @app.command("analyse")
    def analyse(
        video: Annotated[Path, typer.Argument(help="A video file, or a pose trace (.trace.jsonl).")],
        exercise: Annotated[
            str | None, typer.Option("--exercise", "-e", help="The exercise id (default: recognise it).")
        ] = None,
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Write the full report as JSON here.")
        ] = None,
        annotate: Annotated[
            Path | None,
            typer.Option("--annotate", help="Write the video with skeleton, counts and cues (mp4)."),
        ] = None,
        trace: Annotated[
            Path | None, typer.Option("--trace", help="Save the landmarks as a .trace.jsonl.")
        ] = None,
    ) -> None:
        """Count reps, time holds and check form in a recorded video (or a pose trace)."""
        outputs = [p for p in (json_out, trace, annotate) if p is not None]
        for out in outputs:  # said before the long read, not after it
            if not out.parent.is_dir():
                raise InvalidInput(f"{out}: cannot write there (no folder {out.parent})")
        from backcoach.services.analysis import analyse_path

        with _progress("Reading poses") as on_progress:
            report = analyse_path(
                video, exercise_id=exercise, on_progress=on_progress, trace_out=trace, annotate_out=annotate
            )
        if json_out is not None:
            try:
                json_out.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
            except OSError as exc:
                raise InvalidInput(f"{json_out}: cannot write the report ({exc.strerror})") from None
        summary = render_report(report)
        if sys.stdout.isatty():  # long lines break between words on the screen; a file gets them whole
            Console(highlight=False).print(summary, markup=False)
        else:
            typer.echo(summary)
        written = ((json_out, "the report"), (trace, "the landmarks"), (annotate, "the annotated video"))
        for target, what in written:
            if target is not None:
                typer.echo(f"Wrote {what} to {target}")

    @app.command("eval")
    def evaluate(
        labels: Annotated[Path, typer.Argument(help="A labels file (see docs: traces and labels).")],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object and nothing else.")
        ] = False,
    ) -> None:
        """Score the motion engine on labelled clips: exact, OBO, MAE, hold error, recognition."""
        from backcoach.services.evaluation import evaluate_labels

        with _progress("Scoring clips") as on_progress:
            report = evaluate_labels(labels, on_progress=on_progress)
        if as_json:
            data = report.to_json()
            sys.stdout.write(
                json.dumps({"summary": data["summary"], "clips": data["clips"]}, indent=2) + "\n"
            )
            return
        # The terminal's own width on a screen (a wider table would break every line); wide in a file.
        render_eval(report, Console(width=None if sys.stdout.isatty() else 160))
