"""What the pages count and how they word it, found in a QA pass as a person with back pain and as a
physiotherapist reading the record: counts that agree with each other, doses that read as a person
says them, and plain words for what happened to a dose suggestion."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from backcoach.domain.exercises import describe_dose
from backcoach.domain.programs import describe_length
from backcoach.services import programs, safety


def _stats(html: str) -> list[str]:
    stats = re.findall(r'<div class="stat">(.*?)</div>', html)
    return [" ".join(re.sub(r"<[^>]+>", " ", s).split()) for s in stats]


def test_a_workout_left_with_nothing_done_is_not_counted_or_ticked(screened_client: TestClient) -> None:
    client = screened_client
    left = client.post("/api/workouts", json={}).json()  # opened, then left with nothing done
    done = client.post("/api/workouts", json={"new": True}).json()  # the first is stopped early
    assert client.get(f"/api/workouts/{left['id']}").json()["status"] == "abandoned"
    history = client.get("/history").text
    assert " done" not in history.split('class="calendar"')[1].split("</table>")[0]
    assert "0 workouts done in all" in _stats(history)
    assert "Stopped early" in history  # still listed in the table, for the record
    today = client.get("/").text
    done_today = today.split('id="done-title"')[1].split("</section>")[0]
    assert done_today.count("<li>") == 1 and "(in progress)" in done_today  # only the open one

    client.post(
        f"/api/workouts/{done['id']}/sets",
        json={"exercise_id": "bridge", "set_number": 1, "reps": 8, "source": "manual", "client_id": "a"},
    )
    client.post(f"/api/workouts/{done['id']}/finish")
    history = client.get("/history").text
    calendar = history.split('class="calendar"')[1].split("</table>")[0]
    assert calendar.count(" done") == 1 and "1 workout</span>" in calendar
    assert _stats(history) == ["1 day in a row", "1 workout in the last 7 days", "1 workout done in all"]


def test_one_hold_a_set_reads_as_holds_not_sets_of_one_hold(client: TestClient) -> None:
    def dose(exercise_id: str) -> str:
        page = client.get(f"/exercises/{exercise_id}").text
        found = re.search(r'data-testid="dose">(.*?)</p>', page, re.S)
        assert found is not None
        return " ".join(found[1].split())

    assert dose("forearm_plank") == "3 holds of 15 s, 45 s rest between holds."
    assert dose("lower_back_rotation").startswith("2 holds of 10 s on each side, 10 s rest between holds")
    assert dose("draw_in") == "5 holds of 10 s."  # several holds in one set: no sets, no rest between
    assert "of 1 hold" not in client.get("/exercises").text


def test_today_says_once_a_day_and_a_short_program_takes_about_1_minute(client: TestClient) -> None:
    assert re.search(r"Once a day,\s+7 days a week", client.get("/").text)
    doses = {"bridge": {"sets": 1, "reps": 2, "rest_s": 5}}
    client.post("/api/programs", json={"name": "Tiny", "exercise_ids": ["bridge"], "doses": doses})
    client.put("/api/programs/active", params={"slug": "tiny"})
    assert re.search(r"about 1 minute\.", client.get("/").text)


def test_an_unknown_exercise_or_workout_is_explained_in_plain_words(client: TestClient) -> None:
    exercise = client.get("/exercises/handstand")
    assert exercise.status_code == 404
    assert "There is no exercise called \u201chandstand\u201d" in exercise.text
    assert "lower_back_rotation" not in exercise.text  # no list of ids meant for the command line
    workout = client.get("/workout/9999")
    assert workout.status_code == 404 and "There is no workout number 9999" in workout.text
    assert "in History" in workout.text
    # the JSON API keeps its own answer
    assert client.get("/api/exercises/handstand").json()["error"] == "not_found"


def test_the_workout_summary_shows_pain_during_an_exercise(screened_client: TestClient) -> None:
    """A physiotherapist reading the record sees when it hurt, not only before and after."""
    client = screened_client
    workout = client.post("/api/workouts", json={}).json()
    client.post(
        f"/api/workouts/{workout['id']}/sets",
        json={"exercise_id": "bridge", "set_number": 1, "reps": 8, "source": "manual", "client_id": "a"},
    )
    client.post(
        "/api/safety/checkin",
        json={"score": 4, "moment": "during", "workout_id": workout["id"], "exercise_id": "bridge"},
    )
    client.post(f"/workout/{workout['id']}/finish")
    summary = client.get(f"/workout/{workout['id']}").text
    notes = summary.split('id="pain-notes"')[1].split("</section>")[0]
    assert "During Bridge" in notes and "4 out of 10" in notes
    plain = client.post("/api/workouts", json={"new": True}).json()
    client.post(f"/workout/{plain['id']}/finish")
    assert 'id="pain-notes"' not in client.get(f"/workout/{plain['id']}").text


def test_a_program_with_no_exercise_ticked_is_explained_on_the_editor_with_the_name_kept(
    client: TestClient,
) -> None:
    page = client.get("/programs/new").text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/programs/new",
        data={"name": "Mine", "times_per_day": 1, "days_per_week": 7, "form_token": token[1]},
    )
    assert response.status_code == 422
    assert "choose at least one exercise" in response.text
    assert "Field required" not in response.text and "Traceback" not in response.text
    assert 'value="Mine"' in response.text  # what was typed is still there
    assert 'action="/programs/new"' in response.text
    assert [p["slug"] for p in client.get("/api/programs").json()] == ["core-nine", "daily-short"]


def _good_workout(client: TestClient, program: dict[str, Any]) -> None:
    """The whole program at its dose, pain low before, after and the next morning."""
    wid = client.post("/api/workouts", json={"program_slug": program["slug"], "new": True}).json()["id"]
    client.post(f"/api/workouts/{wid}/pain", json={"score": 2, "moment": "before"})
    for item in program["items"]:
        d = item["dosage"]
        sides = ["left", "right"] if d["per_side"] and not d.get("alternating") else [None]
        for n in range(1, d["sets"] + 1):
            for side in sides:
                body = {"exercise_id": item["exercise_id"], "set_number": n, "side": side, "reps": d["reps"]}
                assert client.post(
                    f"/api/workouts/{wid}/sets", json={**body, "hold_s": d["hold_s"]}
                ).is_success
    client.post(f"/api/workouts/{wid}/pain", json={"score": 3, "moment": "after"})
    client.post(f"/api/workouts/{wid}/finish")
    client.post(f"/api/workouts/{wid}/pain", json={"score": 2, "moment": "next_morning"})


def test_the_dose_page_says_plainly_what_is_waiting_and_what_happened(screened_client: TestClient) -> None:
    client = screened_client
    program = client.get("/api/programs/active").json()
    _good_workout(client, program)
    _good_workout(client, program)
    page = client.get("/safety/progress").text
    table = page.split("Dose now")[1].split("</table>")[0]
    # the full dose, as everywhere else, and no "keep the same dose" under a suggestion to change it
    assert "10 reps, holding each 2 s, 2 sets, 30 s rest between sets" in table
    assert "A suggested change is waiting for you above." in table
    assert "Keep the same dose for now" not in table
    pid = re.findall(r"/safety/progress/(\d+)/decline", page)[0]
    client.post(f"/safety/progress/{pid}/decline")
    earlier = client.get("/safety/progress").text.split("Earlier suggestions")[1]
    assert "a step up: <em>you declined it</em>" in earlier
    assert "superseded" not in earlier and "progress," not in earlier


def test_after_a_clinician_cleared_a_red_flag_the_safety_page_says_so(client: TestClient) -> None:
    """Not "nothing needs checking": the record shows the flag and the clearance, with its note."""
    form = {f"q_{a}": "no" for a in safety.screen_questions().answer_ids}
    page = client.get("/safety/screen").text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    client.post("/safety/screen", data={**form, "q_saddle_numbness": "yes", "form_token": token[1]})
    visit = date.today().isoformat()
    client.post(
        "/safety/cleared",
        data={"confirm": "yes", "clinician": "Dr Ada Lee", "visit_date": visit, "note": "Examined, all fine"},
    )
    status = client.get("/safety").text.split('id="status-title"')[1].split("</section>")[0]
    assert "nothing needs checking" not in status
    assert "asked you to see a clinician" in status and "Dr Ada Lee checked you on" in status
    assert "Examined, all fine" in status


def test_a_clearance_without_a_note_shows_no_brackets(client: TestClient) -> None:
    form = {f"q_{a}": "no" for a in safety.screen_questions().answer_ids}
    token = re.search(r'name="form_token" value="([^"]+)"', client.get("/safety/screen").text)
    assert token is not None
    client.post("/safety/screen", data={**form, "q_fever": "yes", "form_token": token[1]})
    visit = date.today().isoformat()
    client.post("/safety/cleared", data={"confirm": "yes", "clinician": "Dr Lee", "visit_date": visit})
    status = client.get("/safety").text.split('id="status-title"')[1].split("</section>")[0]
    clearance_text = safety.screen_questions().clearance_text
    assert clearance_text not in status and "(" not in status and "“" not in status


def test_reminder_days_are_named_as_a_person_says_them(client: TestClient) -> None:
    assert "Every day" in client.get("/safety/reminders").text
    slug = client.get("/api/programs/active").json()["slug"]
    client.patch(f"/api/programs/{slug}", json={"days_per_week": 3})
    hint = client.get("/safety/reminders").text.split('class="hint">')[1].split("</p>")[0]
    assert re.search(
        r"On (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(, [A-Z][a-z]+day){2}\s", hint
    )
    assert "MO" not in hint and "WE" not in hint


def test_a_dose_and_a_program_length_read_the_same_on_every_page(screened_client: TestClient) -> None:
    """Today, Settings, the library, an exercise's page and the player: one wording of each dose, and
    one length of the program (not 9 minutes here and 10 there)."""
    client = screened_client
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    program = programs.active_program(ctx)
    length = describe_length(program, ctx.catalogue)
    today = client.get("/").text
    settings = client.get("/settings").text
    start = client.get("/workout").text
    for page in (today, settings, start):
        assert length in page
    program_card = today.split('id="program-title"')[1].split("</section>")[0]
    assert re.findall(r"about \d+ minutes?", program_card) == [length]
    for item in program.items:
        words = describe_dose(item.dosage)
        assert words in today and words in settings, words
    library = client.get("/exercises").text
    for exercise in ctx.catalogue.exercises:
        assert describe_dose(exercise.dosage) in library
        assert describe_dose(exercise.dosage) in client.get(f"/exercises/{exercise.id}").text
    workout = client.post("/api/workouts", json={}).json()
    player = client.get(f"/workout/{workout['id']}").text
    for item in program.items:
        assert describe_dose(item.dosage) in player
