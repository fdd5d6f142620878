"""Safety commands: ``screen``, ``checkin``, ``questionnaire``, ``progress``, ``reminders``, ``outcomes``.

Thin over ``backcoach.services.safety``, ``progression``, ``outcomes`` and ``reminders``. Advice is
shown calmly and in full; anything the person typed wrong is one line and exit status 2.
"""

from __future__ import annotations

import shutil
import textwrap
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from backcoach.cli.context import app_context
from backcoach.domain.catalogue_loader import default_catalogue
from backcoach.domain.exercises import describe_dose
from backcoach.domain.outcomes import OutcomeSeries
from backcoach.domain.progression import ProposalRecord
from backcoach.domain.questionnaires import load_instruments, startback_items
from backcoach.domain.redflags import ScreenRecord
from backcoach.services import outcomes, progression, reminders, safety
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.workouts import check_pain_score, current_workout

__all__ = [
    "print_checkin",
    "print_proposals",
    "register",
    "run_screen",
    "show_outcomes",
    "show_screen_result",
]

QUESTIONNAIRES = ("all", "pain", "startback", "rmdq", "psfs", "odi")
ACTION_WORDS = {"progress": "step up", "hold": "keep", "regress": "ease off"}


def _console() -> Console:
    return Console(highlight=False)


# Room kept at the end of a question's last line for the answer hint, e.g. " [y/N]: 10".
ANSWER_ROOM = 12


def _wrap(question: str) -> str:
    """A question broken between words to fit the terminal, leaving room for the answer.

    The terminal would otherwise break a long question in the middle of a word.
    """
    width = max(40, shutil.get_terminal_size((80, 24)).columns - ANSWER_ROOM)
    return textwrap.fill(question, width=width, break_long_words=False, break_on_hyphens=False)


def _confirm(question: str, *, default: bool = False) -> bool:
    """A yes-or-no question (Enter takes ``default``), asked again after any other answer."""
    return bool(typer.confirm(_wrap(question), default=default))


def _prompt_text(question: str, *, optional: bool = False) -> str:
    """A line of text; ``optional`` lets the person leave it empty (then "")."""
    suffix = " " if question.rstrip().endswith("?") else ": "
    if optional:
        return str(typer.prompt(_wrap(question), default="", show_default=False, prompt_suffix=suffix))
    return str(typer.prompt(_wrap(question), prompt_suffix=suffix))


def _ask_int(question: str, low: int, high: int, *, optional: bool = False) -> int | None:
    """Ask for a whole number from ``low`` to ``high``, asking again after a wrong answer.

    With ``optional`` an empty answer gives None.
    """
    while True:
        text = _prompt_text(question, optional=optional).strip()
        if optional and not text:
            return None
        if text.lstrip("-").isdigit() and low <= int(text) <= high:
            return int(text)
        typer.echo(f"Please type a whole number from {low} to {high}.")


def _ask_score(question: str, low: int, high: int) -> int:
    """A required whole number from ``low`` to ``high``."""
    answer = _ask_int(question, low, high)
    assert answer is not None
    return answer


def show_screen_result(console: Console, record: ScreenRecord) -> None:
    """The advice after a screen: calm, in full, red for an urgent one, naming the answers that
    caused a stop; advisory answers are advice, never a stop."""
    if not record.flagged:
        console.print(Panel(escape(record.advice), title=escape(record.title), border_style="green"))
        return
    style = {"urgent": "bold red", "stop": "yellow"}.get(record.tier, "cyan")
    console.print(Panel(escape(record.advice), title=escape(record.title), border_style=style))
    console.print("You answered yes to:")
    for label in record.flagged_labels():
        console.print(f"  - {escape(label)}")
    if record.stop:
        console.print(
            "Your workouts are paused for now. When a clinician has checked you and said you can "
            "exercise, record who and when with: backcoach screen --cleared"
        )
    else:
        console.print("This does not stop your workouts. It is saved, so you can show it to your clinician.")


def run_screen(ctx: AppContext, console: Console) -> ScreenRecord:
    """Ask every red-flag question, and whether a clinician has assessed this back pain, and store
    the screen; returns what was stored."""
    screen = safety.screen_questions()
    console.print(escape(screen.intro))
    answers: dict[str, bool] = {}
    for number, question in enumerate(screen.questions, 1):
        answers[question.id] = _confirm(f"{number}. {question.text}")
    answers[screen.assessed_id] = _confirm(f"{len(screen.questions) + 1}. {screen.assessed_text}")
    record = safety.submit_screen(ctx, answers)
    show_screen_result(console, record)
    return record


def _parse_visit_date(text: str, today: date) -> date:
    """A visit date typed as YYYY-MM-DD, "today" or "yesterday"; InvalidInput otherwise."""
    words = {"today": today, "yesterday": today - timedelta(days=1)}
    clean = text.strip().lower()
    if clean in words:
        return words[clean]
    try:
        return date.fromisoformat(clean)
    except ValueError:
        raise InvalidInput(
            f"the date of the visit must look like {today:%Y-%m-%d} (or today, yesterday), not {text!r}"
        ) from None


def screen(
    cleared: bool = typer.Option(
        False, "--cleared", help="Record that a clinician has checked you and said you can exercise."
    ),
    clinician: str = typer.Option(
        "", "--clinician", help="With --cleared: the name of the clinician who checked you."
    ),
    visit_date: str = typer.Option(
        "", "--visit-date", help="With --cleared: the date of the visit, YYYY-MM-DD (or today, yesterday)."
    ),
    note: str = typer.Option("", "--note", help="With --cleared: anything the clinician said (optional)."),
) -> None:
    """The safety questions to answer before exercising, or --cleared after a clinician's check."""
    console = _console()
    with app_context() as ctx:
        if cleared:
            status = safety.safety_status(ctx)
            if status.open_stop is None:
                raise InvalidInput("there is no open safety stop to clear")
            today = ctx.clock.now().astimezone().date()
            console.print("Your workouts were paused because you answered yes to:")
            for label in status.open_stop.flagged_labels():
                console.print(f"  - {escape(label)}")
            console.print(escape(safety.screen_questions().clearance_text))
            if not _confirm("Is that right?"):
                console.print("Nothing changed. Your workouts stay paused until a clinician has checked you.")
                return
            name = clinician or _prompt_text("The name of the clinician who checked you")
            when = _parse_visit_date(
                visit_date or _prompt_text("The date of the visit (YYYY-MM-DD, today or yesterday)"), today
            )
            safety.confirm_cleared(ctx, name, when, note)
            console.print(
                "Thank you. Your workouts are open again. Go gently, and stop if pain goes above 5."
            )
            return
        run_screen(ctx, console)


def checkin(
    pain: int | None = typer.Option(None, "--pain", help="Your back pain now, 0 (none) to 10 (worst)."),
    now: bool = typer.Option(
        False, "--now", help="A check-in now (during or after a workout) instead of the next-morning one."
    ),
    leg: bool | None = typer.Option(
        None, "--leg/--no-leg", help="Whether pain has spread down one or both legs."
    ),
) -> None:
    """How your back is: the next-morning check-in (default) or --now. Shows what the pain means."""
    if pain is not None:
        pain = check_pain_score(pain)  # a wrong number is one line before any question
    console = _console()
    with app_context() as ctx:
        moment, workout_id = "next_morning", None
        if now:
            open_workout = current_workout(ctx)
            moment = "during" if open_workout else "after"
            workout_id = open_workout.id if open_workout else None
        if pain is None:
            question = (
                "How is your back pain right now, from 0 (none) to 10 (worst)?"
                if now
                else "How is your back pain this morning, from 0 (none) to 10 (worst)?"
            )
            pain = _ask_score(question, 0, 10)
        if leg is None:
            leg = _confirm("Has any pain spread down one or both of your legs?")
        result = safety.check_in(ctx, pain, moment, leg_spread=leg, workout_id=workout_id)
        print_checkin(console, result)


def print_checkin(
    console: Console, result: safety.CheckIn, *, proposals: bool = True, rescreen: bool = True
) -> None:
    """What a pain rating means (its zone in plain words), a re-screen when one is asked (unless the
    caller asks the screen itself), and the dose suggestions the check-in brought."""
    colour = {"safe": "green", "acceptable": "yellow"}.get(result.zone.id, "red")
    if result.stop_advice:
        console.print(f"[{colour}]{result.pain.score}/10: {escape(result.zone.label)}.[/{colour}] Saved.")
        console.print(f"[bold red]Your exercises are paused.[/bold red] {escape(result.stop_advice)}")
        return
    console.print(f"[{colour}]{result.pain.score}/10: {escape(result.zone.label)}.[/{colour}] "
                  f"{escape(result.zone.meaning)}")  # fmt: skip
    if result.rescreen_reason and rescreen:
        console.print(f"[bold]{escape(result.rescreen_reason)}[/bold] Run: backcoach screen")
    if proposals:
        print_proposals(console, list(result.proposals))


def _dose_words(before: tuple[int, int, float], after: tuple[int, int, float]) -> str:
    return (
        f"{before[0]}x{before[1]}"
        + (f" ({before[2]:g} s)" if before[2] else "")
        + " -> "
        + (f"{after[0]}x{after[1]}" + (f" ({after[2]:g} s)" if after[2] else ""))
    )


def print_proposals(console: Console, proposals: list[ProposalRecord]) -> None:
    """Each suggested dose change in one sentence with its reason, and how to accept or decline it."""
    if not proposals:
        return
    console.print("[bold]Suggested changes to your doses[/bold] (accept or decline each):")
    names = {exercise.id: exercise.name for exercise in default_catalogue()}
    for p in proposals:
        change = (
            f"try {p.variant}"
            if p.variable == "variant"
            else _dose_words(
                (p.sets_before, p.reps_before, p.hold_s_before), (p.sets_after, p.reps_after, p.hold_s_after)
            )
        )
        name = escape(names.get(p.exercise_id, p.exercise_id))
        console.print(
            f"  [bold]#{p.id}[/bold] {name}: {ACTION_WORDS.get(p.action, p.action)} "
            f"({escape(change)}). {escape(p.explanation)}"
        )
        console.print(f"    To accept: backcoach progress --accept {p.id}   (or --decline {p.id})")
        if p.clinician_advice:
            console.print(f"    [yellow]{escape(p.clinician_advice)}[/yellow]")


def _ask_startback(console: Console) -> list[int]:
    inst = load_instruments()["startback"]
    console.print(f"[bold]{escape(inst.name)}[/bold]")
    console.print(escape(str(inst.raw["preamble"])))
    items = startback_items()
    answers = []
    for number, (text, _options) in enumerate(items[:-1], 1):
        answers.append(1 if _confirm(f"{number}. {text}. Agree?") else 0)
    text, options = items[-1]
    console.print(escape(f"9. {text}"))
    for n, option in enumerate(options, 1):
        console.print(f"   {n} {escape(option)}")
    answers.append(_ask_score(f"Your answer (1-{len(options)})", 1, len(options)) - 1)
    console.print(f"[dim]{escape(str(inst.raw['copyright']))}. {escape(str(inst.raw['funding']))}[/dim]")
    return answers


def questionnaire(
    which: str = typer.Argument("all", help=f"Which one: {', '.join(QUESTIONNAIRES)}."),
    every: int | None = typer.Option(None, "--every", help="Change how often (days, 7-56) they are asked."),
) -> None:
    """The questionnaires that track how you are doing (baseline, then every 2 weeks)."""
    if which not in QUESTIONNAIRES:
        raise InvalidInput(f"choose one of {', '.join(QUESTIONNAIRES)} (got {which!r})")
    console = _console()
    inst = load_instruments()
    with app_context() as ctx:
        if every is not None:
            outcomes.set_questionnaire_interval(ctx, every)
            console.print(f"The questionnaires will be asked every {every} days.")
            if which == "all":
                return
        chosen = ("pain", "startback", "psfs", "rmdq") if which == "all" else (which,)
        for name in chosen:
            if name == "pain":
                score = _ask_score(str(inst["pain"].raw["question"]), 0, 10)
                outcomes.submit_pain(ctx, score)
                console.print(f"Saved: {score}/10.")
            elif name == "startback":
                record = outcomes.submit_startback(ctx, _ask_startback(console))
                meaning = str(inst["startback"].raw["groups"][record.band]["meaning"])
                label = str(inst["startback"].raw["groups"][record.band]["label"])
                console.print(Panel(escape(meaning), title=f"STarT Back: {label} (score {record.score:g}/9)"))
            elif name == "rmdq":
                console.print(
                    f"[bold]{escape(inst['rmdq'].name)}[/bold]: [dim]{escape(inst['rmdq'].terms)}[/dim]"
                )
                console.print(escape(f"{inst['rmdq'].raw['how_to']} Leave it empty to skip."))
                rmdq = _ask_int("Roland-Morris score (0-24)", 0, 24, optional=True)
                if rmdq is not None:
                    record = outcomes.submit_rmdq(ctx, rmdq)
                    console.print(f"Saved: Roland-Morris {record.score:g}/24.")
            elif name == "odi":
                console.print(
                    f"[bold]{escape(inst['odi'].name)}[/bold]: [dim]{escape(inst['odi'].terms)}[/dim]"
                )
                sections = [
                    _ask_int(f"Section {n} score (0-5, empty if skipped)", 0, 5, optional=True)
                    for n in range(1, 11)
                ]
                record = outcomes.submit_odi(ctx, sections)
                console.print(f"Saved: Oswestry index {record.score:g}/100 ({escape(record.band or '')}).")
            elif name == "psfs":
                _ask_psfs(ctx, console)
        schedule = outcomes.questionnaire_schedule(ctx, date.today())
        console.print(f"Next time: {schedule.next_due:%A %d %B} (every {schedule.interval_days} days).")


def _ask_psfs(ctx: AppContext, console: Console) -> None:
    inst = load_instruments()["psfs"]
    console.print(f"[bold]{escape(inst.name)}[/bold]")
    console.print(escape(str(inst.raw["instructions"])))
    previous = outcomes.list_responses(ctx, "psfs")
    names: list[str] = list(previous[-1].answers.get("ratings", {})) if previous else []
    if not names:
        for n in range(1, 4):
            name = _prompt_text(f"Activity {n} (empty to stop)", optional=True).strip()
            if not name:
                break
            names.append(name)
    if not names:
        console.print("No activities named: skipped.")
        return
    ratings = {name: _ask_score(f"{name}: how well can you do it (0-10)?", 0, 10) for name in names}
    record = outcomes.submit_psfs(ctx, ratings)
    console.print(f"Saved: average {record.score:g}/10.")


def progress(
    accept: int | None = typer.Option(None, "--accept", help="Accept the suggested change with this number."),
    decline: int | None = typer.Option(
        None, "--decline", help="Decline the suggested change with this number."
    ),
) -> None:
    """What to do next with each exercise's dose, with the reason, and suggestions to accept or decline."""
    console = _console()
    with app_context() as ctx:
        if accept is not None and decline is not None:
            raise InvalidInput("use --accept or --decline, not both")
        if accept is not None:
            p = progression.accept_proposal(ctx, accept)
            console.print(
                f"Accepted #{p.id}: {p.exercise_id} ({ACTION_WORDS[p.action]}). "
                "The new dose is in your program."
            )
            return
        if decline is not None:
            p = progression.decline_proposal(ctx, decline)
            console.print(f"Declined #{p.id}: {p.exercise_id} keeps its dose.")
            return
        review = progression.review_progress(ctx)
        table = Table(title=f"Your doses: {escape(review.program.name)}")
        table.add_column("Exercise")
        table.add_column("Dose now")
        table.add_column("Next")
        table.add_column("Why")
        for d in review.decisions:
            table.add_row(
                escape(ctx.catalogue.get(d.exercise_id).name),
                escape(describe_dose(d.dosage_before, with_rest=False)),
                ACTION_WORDS[d.action],
                escape(d.explanation),
            )
        console.print(table)
        if review.clinician_advice:
            console.print(Panel(escape(review.clinician_advice), border_style="yellow"))
        print_proposals(console, list(review.pending))


def reminders_command(
    ics: Path = typer.Option(..., "--ics", help="The .ics file to write, for your calendar app."),
    times: list[str] = typer.Option([], "--time", help="A daily workout time HH:MM; repeat for more."),
    days: str | None = typer.Option(None, "--days", help="Weekdays like MO,WE,FR (default: your program's)."),
) -> None:
    """Write your workout times as a calendar file (.ics) to import into your own calendar."""
    console = _console()
    with app_context() as ctx:
        if times:
            reminders.set_reminder_times(ctx, times)
        # upper case and each day once: "mo,we,MO" is MO,WE
        chosen_days = (
            list(dict.fromkeys(d.strip().upper() for d in days.split(",") if d.strip())) if days else None
        )
        data = reminders.export_ics(ctx, days=chosen_days)
        stored = reminders.reminder_times(ctx)
        shown_days = chosen_days or list(reminders.reminder_days(ctx))
    try:
        ics.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {ics}: {exc.strerror}") from None
    when = ", ".join(f"{t:%H:%M}" for t in stored)
    console.print(
        f"Wrote {ics}: reminders at {when} on {','.join(shown_days)}. Import it into your calendar."
    )


def _series_chart(console: Console, series: OutcomeSeries, unit_max: float) -> None:
    if not series.points:
        return
    better = "lower is better" if series.lower_is_better else "higher is better"
    console.print(
        f"\n[bold]{escape(series.name)}[/bold] ({better}; a meaningful change is {series.mcid_text})"
    )
    width = 30
    for point in series.points:
        bar = "█" * max(0, round(point.value / unit_max * width))
        change = point.change
        if point is series.points[0]:
            mark = "baseline"
        elif change.meaningful:
            mark = "★ meaningful change, " + ("better" if change.direction == "better" else "worse")
        else:
            mark = f"{change.delta:+g}"
        colour = "white" if not change.meaningful else "green" if change.direction == "better" else "red"
        console.print(
            f"  {point.taken_at.astimezone():%d %b}  [{colour}]{bar:<{width}}[/{colour}] "
            f"{point.value:>5g}  {mark}"
        )


def show_outcomes(console: Console, ctx: AppContext, today: date) -> None:
    """Print the outcome charts (pain and questionnaire scores, meaningful changes marked ★);
    ``backcoach history`` may call this too."""
    series = outcomes.outcome_series(ctx)
    startback = outcomes.list_responses(ctx, "startback")
    schedule = outcomes.questionnaire_schedule(ctx, today)
    tops = {"pain": 10.0, "rmdq": 24.0, "odi": 100.0, "psfs": 10.0}
    if not any(s.points for s in series.values()):
        console.print("Nothing to chart yet. Start with: backcoach questionnaire")
    for name, s in series.items():
        _series_chart(console, s, tops[name])
    if startback:
        latest = startback[-1]
        group = load_instruments()["startback"].raw["groups"][latest.band]
        console.print(
            f"\n[bold]STarT Back[/bold]: {group['label']} (score {latest.score:g}/9). "
            f"{escape(group['meaning'])}"
        )
    due = "due now" if schedule.due else f"next on {schedule.next_due:%d %B}"
    console.print(
        f"\nQuestionnaires: {due} (every {schedule.interval_days} days). Run: backcoach questionnaire"
    )


def outcomes_command() -> None:
    """How you are doing over time: pain and questionnaire scores, with meaningful changes marked ★."""
    with app_context() as ctx:
        show_outcomes(_console(), ctx, date.today())


def register(app: typer.Typer) -> None:
    """Add the safety, progression, outcome and reminder commands to the app."""
    app.command("screen")(screen)
    app.command("checkin")(checkin)
    app.command("questionnaire")(questionnaire)
    app.command("progress")(progress)
    app.command("reminders")(reminders_command)
    app.command("outcomes")(outcomes_command)
