"""LiveCoach on real recorded pose (trace files of real clips) and a real database.

What a person would check: the bridge clip counts one rep, the rep is in the stored workout the
moment it is counted (not at the end), and after the server goes away mid-set a new coach on
the same set carries on from what was stored instead of starting again from zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.traces import read_trace
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, NotFound
from backcoach.services.live import LiveCoach, LiveReply, camera_client_id
from backcoach.services.safety import screen_questions, submit_screen
from backcoach.services.workouts import finish_workout, get_workout, start_workout

BRIDGE_TRACE = "traces/dawi_bridge1_side.trace.jsonl"
PLANK_TRACE = "traces/gymnai_forearm_plank_side.trace.jsonl"


@pytest.fixture
def settings(tmp_path: Path, database_url: str, screen_all_clear: Callable[[AppContext], object]) -> Settings:
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    with open_app(settings) as ctx:
        screen_all_clear(ctx)  # the first-run safety screen, answered "no" throughout
    return settings


def _screened(context: AppContext) -> AppContext:
    """The red-flag screen answered with no red flag, as before any first workout."""
    submit_screen(context, {a: False for a in screen_questions().answer_ids})
    return context


@pytest.fixture
def ctx(settings: Settings) -> Iterator[AppContext]:
    context = _screened(open_app(settings))
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def bridge_frames(clips_dir: Path) -> list[PoseFrame]:
    return read_trace(clips_dir / BRIDGE_TRACE)[1]


def _camera_sets(ctx: AppContext, workout_id: int, exercise_id: str) -> list[tuple[int, float, str]]:
    workout = get_workout(ctx, workout_id)
    return [(s.reps, s.hold_s, s.source) for s in workout.sets if s.exercise_id == exercise_id]


def test_bridge_clip_counts_one_rep_stored_the_moment_it_is_counted(
    ctx: AppContext, bridge_frames: list[PoseFrame]
) -> None:
    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    started = coach.start(workout_id, "bridge", 1, None)
    assert started.reps == 0 and started.camera_counts

    replies: list[LiveReply] = []
    stored_when_counted: list[tuple[int, float, str]] | None = None
    for frame_id, frame in enumerate(bridge_frames):
        reply = coach.handle_frame(frame, frame_id)
        replies.append(reply)
        if reply.new_reps and stored_when_counted is None:
            # Read back before any later frame and before stop(): stored as it happened.
            stored_when_counted = _camera_sets(ctx, workout_id, "bridge")
            # The clip starts at the top (not a rep) and rises once at 9.8-10.5 s.
            assert 9500 <= frame.t_ms <= 12500

    assert replies[-1].reps == 1
    assert sum(r.new_reps for r in replies) == 1
    assert stored_when_counted == [(1, 0.0, "camera")]
    assert replies[-1].frame_id == len(bridge_frames) - 1
    # The client found these landmarks itself: they are not sent back.
    assert all(r.landmarks is None for r in replies)

    coach.close()
    assert _camera_sets(ctx, workout_id, "bridge") == [(1, 0.0, "camera")]


def test_a_new_coach_after_the_server_went_away_carries_on_from_the_stored_reps(
    settings: Settings, bridge_frames: list[PoseFrame]
) -> None:
    first_ctx = _screened(open_app(settings))
    workout_id = start_workout(first_ctx).id
    coach = LiveCoach(first_ctx)
    coach.start(workout_id, "bridge", 1, None)
    for frame in bridge_frames:
        if coach.handle_frame(frame).new_reps:
            break
    # The server dies here: no stop(), no close(); only what was stored survives.
    del coach
    first_ctx.close()

    ctx = open_app(settings)
    try:
        assert _camera_sets(ctx, workout_id, "bridge") == [(1, 0.0, "camera")]
        again = LiveCoach(ctx)
        resumed = again.start(workout_id, "bridge", 1, None)
        assert resumed.reps == 1
        # The camera starts again with the person at the top: that is not a new rep, and the
        # stored count must not fall back to what this coach alone has seen.
        rest = [f for f in bridge_frames if f.t_ms > 12_000.0]
        replies = [again.handle_frame(f) for f in rest]
        assert replies[-1].reps == 1
        assert _camera_sets(ctx, workout_id, "bridge") == [(1, 0.0, "camera")]
        # A whole further bridge (the clip again, 30 s later) adds one.
        offset_ms = bridge_frames[-1].t_ms + 30_000.0
        for frame in bridge_frames:
            reply = again.handle_frame(
                PoseFrame(frame.t_ms + offset_ms, frame.landmarks, frame.width, frame.height)
            )
        assert reply.reps == 2
        assert _camera_sets(ctx, workout_id, "bridge") == [(2, 0.0, "camera")]
        again.close()
    finally:
        ctx.close()


def test_each_set_and_side_has_its_own_row_and_the_players_id_is_used(
    ctx: AppContext, bridge_frames: list[PoseFrame]
) -> None:
    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    coach.start(workout_id, "bridge", 2, None, client_id="player-set-7")
    for frame in bridge_frames:
        coach.handle_frame(frame)
    coach.stop()
    sets = get_workout(ctx, workout_id).sets
    assert [(s.set_number, s.reps, s.client_id) for s in sets] == [(2, 1, "player-set-7")]
    assert camera_client_id(workout_id, "bridge", 1, "left") != camera_client_id(
        workout_id, "bridge", 1, "right"
    )


def test_a_plank_hold_is_stored_while_it_goes_on(ctx: AppContext, clips_dir: Path) -> None:
    frames = read_trace(clips_dir / PLANK_TRACE)[1]
    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    coach.start(workout_id, "forearm_plank", 1, None)
    stored_mid_hold: list[float] = []
    for frame in frames:
        reply = coach.handle_frame(frame)
        if reply.holding and reply.stored:
            stored_mid_hold.append(_camera_sets(ctx, workout_id, "forearm_plank")[0][1])
    # The labelled hold is the whole 8 s clip: its seconds were stored as they grew.
    assert len(stored_mid_hold) >= 3
    assert stored_mid_hold == sorted(stored_mid_hold)
    coach.stop()
    ((holds, hold_s, source),) = _camera_sets(ctx, workout_id, "forearm_plank")
    assert (holds, source) == (1, "camera")
    assert 6.0 <= hold_s <= 8.5


def test_bad_input_is_refused_with_a_reason_and_the_coach_goes_on(
    ctx: AppContext, bridge_frames: list[PoseFrame]
) -> None:
    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    with pytest.raises(InvalidInput, match="start"):
        coach.handle_frame(bridge_frames[0])
    with pytest.raises(NotFound):
        coach.start(workout_id, "headstand", 1, None)
    with pytest.raises(NotFound):
        coach.start(workout_id + 100, "bridge", 1, None)
    with pytest.raises(InvalidInput):
        coach.start(workout_id, "bridge", 1, "middle")
    coach.start(workout_id, "bridge", 1, None)
    size = {"width": 640, "height": 360}
    with pytest.raises(InvalidInput, match="33"):
        coach.handle_landmarks([[0.5, 0.5, 0.0, 1.0]] * 32, 10.0, **size)
    with pytest.raises(InvalidInput, match="33"):
        coach.handle_landmarks([[0.5, "x", 0.0, 1.0]] * 33, 10.0, **size)
    with pytest.raises(InvalidInput, match="33"):
        coach.handle_landmarks([[0.5, 0.5, 0.0, 1.0]] * 32 + [[0.5, 0.5, 0.0]], 10.0, **size)
    with pytest.raises(InvalidInput, match="33"):
        coach.handle_landmarks([[0.5, float("nan"), 0.0, 1.0]] * 33, 10.0, **size)
    with pytest.raises(InvalidInput, match="width and height"):
        coach.handle_landmarks(None, 10.0, width=0, height=360)
    with pytest.raises(InvalidInput, match="width and height"):
        coach.handle_landmarks(None, 10.0, width=640, height=True)
    first = bridge_frames[0]
    assert first.landmarks is not None
    coach.handle_landmarks(first.landmarks.tolist(), 100.0, frame_id=1, **size)
    with pytest.raises(InvalidInput, match="times"):
        coach.handle_landmarks(first.landmarks.tolist(), 50.0, frame_id=2, **size)
    reply = coach.handle_landmarks(None, 150.0, frame_id=3, **size)
    assert reply.frame_id == 3 and reply.landmarks is None
    finish_workout(ctx, workout_id)
    with pytest.raises(InvalidInput, match="over"):
        coach.start(workout_id, "bridge", 1, None)


def test_form_cues_and_framing_help_are_in_plain_words(ctx: AppContext) -> None:
    from backcoach.motion.synthetic import synthesise

    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    coach.start(workout_id, "forearm_plank", 1, None)
    sagging = synthesise("forearm_plank", faults=["hips_sagging"], seed=1)
    cues: list[tuple[float, str]] = []
    for frame in sagging.frames:
        reply = coach.handle_frame(frame)
        cues += [(frame.t_ms, cue.cue) for cue in reply.cues]
    # The words come from the catalogue's form check, said again at most every 5 s.
    wanted = ctx.catalogue.get("forearm_plank").form_check("hips_sagging")
    assert wanted is not None
    assert cues and {words for _t, words in cues} == {wanted.cue}
    times = [t for t, _words in cues]
    assert all(later - earlier >= 5000 for earlier, later in pairwise(times))

    nobody = [coach.handle_frame(PoseFrame(frame.t_ms + 100.0 + 33.0 * i, None)) for i in range(30)]
    assert "We can't see you" in nobody[-1].framing
    assert nobody[-1].landmarks is None


def test_an_open_red_flag_stops_the_camera_coach_with_the_advice(ctx: AppContext) -> None:
    from backcoach.services.errors import SafetyStop

    workout_id = start_workout(ctx).id
    answers = {a: False for a in screen_questions().answer_ids}
    answers["leg_weakness"] = True
    submit_screen(ctx, answers)
    with pytest.raises(SafetyStop):
        LiveCoach(ctx).start(workout_id, "bridge", 1, None)


def test_each_finished_plank_hold_is_reported_with_its_seconds_and_stored(ctx: AppContext) -> None:
    from backcoach.motion.synthetic import synthesise

    planks = synthesise("forearm_plank", holds=[4.0, 3.0], seed=2)  # known answer: 4 s, then 3 s
    workout_id = start_workout(ctx).id
    coach = LiveCoach(ctx)
    coach.start(workout_id, "forearm_plank", 1, None)
    ended = [
        r.hold_ended_s for r in (coach.handle_frame(f) for f in planks.frames) if r.hold_ended_s is not None
    ]
    # What the player's completeHold() gets: one call a hold, with the seconds held.
    assert len(ended) == 2
    assert ended[0] == pytest.approx(4.0, abs=0.6) and ended[1] == pytest.approx(3.0, abs=0.6)
    ((holds, hold_s, source),) = _camera_sets(ctx, workout_id, "forearm_plank")
    assert (holds, source) == (2, "camera")
    assert hold_s == pytest.approx(sum(ended) / 2, abs=0.1)


def _portrait(frame: PoseFrame, width: int, height: int, top_px: int) -> PoseFrame:
    """The frame as a camera ``width`` x ``height`` sees it when the picture has ``top_px`` of room above
    (a phone held upright): the same body, the landmarks' y re-scaled to the taller picture."""
    if frame.landmarks is None:
        return PoseFrame(frame.t_ms, None, width, height)
    points = frame.landmarks.copy()
    points[:, 1] = (points[:, 1] * frame.height + top_px) / height
    return PoseFrame(frame.t_ms, points, width, height)


def test_a_portrait_camera_times_holds_like_a_landscape_one(ctx: AppContext) -> None:
    """Every angle is measured in pixels: the landmarks of a 640x800 picture (a phone held upright),
    sent with that size, time the two plank holds as the landscape picture does (4 s and 3 s). Read
    as if the picture were 640x360 (the shape once assumed) the body looks straight all along and
    the two holds run into one."""
    from backcoach.motion.synthetic import synthesise

    planks = synthesise("forearm_plank", holds=[4.0, 3.0], seed=2)
    workout_id = start_workout(ctx).id
    ended: dict[str, list[float]] = {}
    for name, (width, height) in (("portrait", (640, 800)), ("portrait read as landscape", (640, 360))):
        coach = LiveCoach(ctx)
        coach.start(workout_id, "forearm_plank", 1, None, client_id=name)
        ended[name] = []
        for frame in planks.frames:
            tall = _portrait(frame, 640, 800, top_px=220)
            lm = None if tall.landmarks is None else tall.landmarks.tolist()
            reply = coach.handle_landmarks(lm, frame.t_ms, width=width, height=height)
            if reply.hold_ended_s is not None:
                ended[name].append(reply.hold_ended_s)
        coach.close()
    assert ended["portrait"] == [pytest.approx(4.0, abs=0.6), pytest.approx(3.0, abs=0.6)]
    assert len(ended["portrait read as landscape"]) != 2
