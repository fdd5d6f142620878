/*
 * backcoach workout player: walks the step plan one step at a time (intro, reps, hold, side change,
 * rest, done), times holds and rests, counts reps, speaks cues, and saves every set the moment it is
 * done (POST /api/workouts/{id}/sets with a client_id, so a repeated post never doubles a set).
 * Reloading the page resumes at the right step: the server's resume point, or further on if this
 * browser had already moved past it (skips and rests are remembered in localStorage).
 *
 * Clock: every duration is divided by `clock_speed` (Settings.clock_speed, BACKCOACH_CLOCK_SPEED,
 * or ?speed=N on the page URL) so tests can run a whole workout in seconds.
 *
 * API for the live camera panel (web/static/js/live.js), on window.backcoachPlayer:
 *   workoutId                      the workout's id (number)
 *   currentStep()                  the current step: {index, kind, exercise_id, set_number, sets, side,
 *                                  target_reps, hold_s, rest_s, relax_s, text, alternating, sides,
 *                                  count, client_id} or null on the pain screens
 *   currentClientId()              the client_id the current work step's set is saved under (use the
 *                                  same one when the server records camera reps for this set)
 *   addReps(n, source)             add n reps (reps step) or holds (hold step); source "camera" or "manual"
 *   setReps(n, source)             set the count to n
 *   setHoldSeconds(s)              show s seconds held so far in the current hold (camera-timed)
 *   completeHold(s, source)        one hold of s seconds done (adds 1 to the holds count)
 *   setCameraActive(on)            while on, the player's own timers guide but do not count
 *                                  (the camera counts through addReps / completeHold)
 *   done()                         finish the current step (saves the set) and go on
 *   pause(), resume(), isRunning()
 * DOM events on document (CustomEvent, details in event.detail):
 *   "backcoach:step"         {index, step}            a new step is shown
 *   "backcoach:count"        {index, count, source}   the rep/hold count changed
 *   "backcoach:set-saved"    {index, set}             a set was stored by the server
 *   "backcoach:paused" / "backcoach:resumed"          the timers stopped / started
 *   "backcoach:finished"     {workoutId}              the workout is finished
 *   "backcoach:pain"         {score, stop_exercise, result}  "It hurts" was answered (result: the
 *                                                     /api/safety/checkin reply, or null offline)
 * Keyboard: Space start/pause, Enter done/next, S skip, F finish, H it hurts, + / - count.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("player-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var steps = data.steps;
  var speed = Number(new URLSearchParams(location.search).get("speed")) || data.clock_speed || 1;
  var storeKey = "backcoach.workout." + data.workout_id;
  var VOICE_KEY = "backcoach.voice";

  var $ = function (id) { return document.getElementById(id); };
  var el = {
    screens: { before: $("screen-pain-before"), step: $("screen-step"), after: $("screen-pain-after") },
    progress: $("progress"), heading: $("step-heading"), text: $("step-text"),
    exercise: $("step-exercise"), set: $("step-set"), side: $("step-side"),
    phase: $("phase"), timer: $("timer"), timerValue: $("timer-value"),
    counter: $("counter"), count: $("count"), target: $("target"), countUnit: $("count-unit"),
    start: $("btn-start"), done: $("btn-done"), skip: $("btn-skip"), finish: $("btn-finish"),
    plus: $("btn-plus"), minus: $("btn-minus"), howTo: $("how-to-body"), status: $("status"),
    voice: $("voice-toggle"), painStop: $("pain-during-stop"), painDuring: $("pain-during"),
    hurts: $("btn-hurts"), painResult: $("pain-during-result"), painRescreen: $("pain-during-rescreen")
  };

  // --- small stores --------------------------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function save(patch) {
    var s = load();
    Object.keys(patch).forEach(function (k) { s[k] = patch[k]; });
    try { localStorage.setItem(storeKey, JSON.stringify(s)); } catch (e) { /* private mode: fine */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function clientIdFor(index) {
    var s = load();
    var ids = s.client_ids || {};
    if (!ids[index]) { ids[index] = uuid(); save({ client_ids: ids }); }
    return ids[index];
  }
  // Every change carries the page's CSRF token (clinic mode; the meta tag is absent otherwise).
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  function postHeaders() {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrfMeta) headers["X-CSRF-Token"] = csrfMeta.getAttribute("content");
    return headers;
  }
  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent("backcoach:" + name, { detail: detail }));
  }
  function say(message) { el.status.textContent = message; }

  // --- voice ---------------------------------------------------------------------------------
  var voiceStored = localStorage.getItem(VOICE_KEY);
  var voiceOn = voiceStored === null ? !!data.voice_default : voiceStored === "on";
  var canSpeak = "speechSynthesis" in window;
  el.voice.checked = voiceOn && canSpeak;
  el.voice.disabled = !canSpeak;
  el.voice.addEventListener("change", function () {
    voiceOn = el.voice.checked;
    localStorage.setItem(VOICE_KEY, voiceOn ? "on" : "off");
    if (!voiceOn && canSpeak) speechSynthesis.cancel();
  });
  function speak(text, interrupt) {
    if (!voiceOn || !canSpeak || !text) return;
    if (interrupt) speechSynthesis.cancel();
    var u = new SpeechSynthesisUtterance(text);
    u.lang = document.documentElement.lang || "en";
    u.rate = 0.95;
    speechSynthesis.speak(u);
  }

  // --- server --------------------------------------------------------------------------------
  // Posts wait in an outbox (kept in localStorage) until the server has them, so a dropped
  // connection loses nothing; the client_id makes a re-sent post harmless.
  var outbox = load().outbox || [];
  var flushPromise = null;
  var onDrained = null;
  function post(path, body, stepIndex) {
    outbox.push({ path: path, body: body, index: stepIndex });
    save({ outbox: outbox });
    return flush();
  }
  function flush() {
    if (flushPromise) return flushPromise;
    flushPromise = drain().then(function () {
      flushPromise = null;
      if (!outbox.length && onDrained) onDrained();
    });
    return flushPromise;
  }
  function drain() {
    if (!outbox.length) return Promise.resolve();
    var item = outbox[0];
    return fetch(data.api + item.path, {
      method: "POST", headers: postHeaders(),
      body: JSON.stringify(item.body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        var retry = r.status >= 500 || r.status === 408 || r.status === 429;
        if (retry) throw new Error(json.detail || ("status " + r.status));
        outbox.shift();
        save({ outbox: outbox });
        if (r.ok && item.path === "/sets") emit("set-saved", { index: item.index, set: json });
        if (r.status === 409 && json.advice) showSafetyStop(json.advice);
        else if (!r.ok) say("Could not save: " + (json.detail || r.status));
        return drain();
      });
    }).catch(function () {
      say("Saving is waiting for the connection; what you did is kept on this device and will be sent.");
      setTimeout(flush, 3000);
    });
  }
  function showSafetyStop(advice) {
    stopTimer();
    el.screens.step.hidden = true;
    el.screens.before.hidden = true;
    el.screens.after.hidden = true;
    say(advice);
  }

  // --- state ---------------------------------------------------------------------------------
  var stored = load();
  var index = Math.max(data.start_index || 0, stored.index || 0);
  if (index >= steps.length) index = steps.length - 1;
  var count = 0;            // reps or holds done in the current step
  var source = "manual";
  var cameraActive = false;
  var phase = "idle";       // idle | running | paused  (timer state)
  var sub = null;           // current timed part: {kind: "hold"|"relax"|"rep"|"rest", dur, left}
  var timerId = null;
  var lastTick = 0;
  var holdSecondsSeen = 0;  // camera-timed seconds of the hold in progress
  var heldTotal = 0;        // seconds held, summed over this step's holds (camera)

  function step() { return steps[index]; }
  function isWork(s) { return s.kind === "reps" || s.kind === "hold"; }
  function totalTarget(s) { return s.target_reps * (s.alternating ? Math.max(1, s.sides.length) : 1); }
  function exercise(s) { return s.exercise_id ? data.exercises[s.exercise_id] : null; }

  function setScreen(name) {
    Object.keys(el.screens).forEach(function (k) { el.screens[k].hidden = k !== name; });
  }

  // --- timers (in workout seconds; real time divided by the clock speed) ----------------------
  function startTimer() {
    if (timerId) return;
    lastTick = performance.now();
    timerId = setInterval(tick, Math.max(10, Math.round(200 / speed)));
    phase = "running";
    updateButtons();
    emit("resumed", {});
  }
  function stopTimer(paused) {
    if (timerId) { clearInterval(timerId); timerId = null; }
    phase = paused ? "paused" : "idle";
    updateButtons();
    if (paused) emit("paused", {});
  }
  function tick() {
    var now = performance.now();
    var dt = (now - lastTick) / 1000 * speed;
    lastTick = now;
    if (!sub) return;
    var before = Math.ceil(sub.left);
    sub.left -= dt;
    var after = Math.ceil(Math.max(0, sub.left));
    if (after !== before) {
      showSeconds(after);
      if ((sub.kind === "hold" || sub.kind === "rest") && after > 0 && after <= 3) speak(String(after), false);
    }
    if (sub.left <= 0) endSub();
  }
  function showSeconds(s) {
    el.timer.hidden = false;
    el.timerValue.textContent = String(Math.max(0, Math.ceil(s)));
  }
  function beginSub(kind, dur) {
    sub = { kind: kind, dur: dur, left: dur };
    showSeconds(dur);
    var s = step();
    if (kind === "hold") { el.phase.textContent = "Hold"; speak("Hold", true); }
    else if (kind === "relax") { el.phase.textContent = "Relax"; speak("Relax", true); }
    else if (kind === "rep") {
      el.phase.textContent = s.hold_s > 0 ? "Move and hold" : "Move slowly";
    } else if (kind === "rest") { el.phase.textContent = s.kind === "side_change" ? "Switch sides" : "Rest"; }
  }
  function endSub() {
    var s = step();
    var kind = sub.kind;
    sub = null;
    if (kind === "hold" || kind === "rep") {
      if (!cameraActive) setCount(count + 1, "timer");
      if (count >= totalTarget(s)) { stopTimer(); completeStep(); return; }
      if (kind === "hold" && s.relax_s > 0) { beginSub("relax", s.relax_s); return; }
      beginSub(kind, kind === "hold" ? s.hold_s : repSeconds(s));
      return;
    }
    if (kind === "relax") { beginSub("hold", s.hold_s); return; }
    if (kind === "rest") { stopTimer(); next(); }
  }
  function repSeconds(s) { return 3.5 + (s.hold_s || 0); }

  // --- counting ------------------------------------------------------------------------------
  function setCount(n, src) {
    var s = step();
    if (!s || !isWork(s)) return;
    n = Math.max(0, Math.min(n, 999));
    if (n === count) return;
    count = n;
    if (src === "camera") source = "camera";
    else if (src === "timer" && source !== "camera") source = "timer";
    else if (src === "manual" && source === "manual") source = "manual";
    el.count.textContent = String(count);
    if (src !== "manual" && count > 0) {
      speak(s.kind === "hold" ? "Hold " + count + " done" : String(count), false);
    }
    if (s.alternating && s.sides.length) {
      var nextSide = s.sides[count % s.sides.length];
      el.side.hidden = false;
      el.side.textContent = "Next: " + nextSide + " side";
    }
    var st = load(); st.count = { index: index, n: count }; save({ count: st.count });
    emit("count", { index: index, count: count, source: src });
  }

  // --- rendering a step ----------------------------------------------------------------------
  function renderHowTo(ex) {
    el.howTo.textContent = "";
    if (!ex) return;
    var p = document.createElement("p");
    p.innerHTML = "<strong>Start:</strong> ";
    p.appendChild(document.createTextNode(ex.start_position));
    el.howTo.appendChild(p);
    var ol = document.createElement("ol");
    ex.steps.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ol.appendChild(li); });
    el.howTo.appendChild(ol);
    [["Breathing", ex.breathing], ["Tempo", ex.tempo]].forEach(function (pair) {
      var q = document.createElement("p");
      var b = document.createElement("strong"); b.textContent = pair[0] + ": ";
      q.appendChild(b); q.appendChild(document.createTextNode(pair[1]));
      el.howTo.appendChild(q);
    });
    if (ex.mistakes.length) {
      var h = document.createElement("p"); h.innerHTML = "<strong>Watch out for:</strong>";
      el.howTo.appendChild(h);
      var ul = document.createElement("ul");
      ex.mistakes.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
      el.howTo.appendChild(ul);
    }
  }

  function showStep(i, focusHeading) {
    stopTimer();
    sub = null;
    say("");  // a message about the step before ("Skipped. On to the next one.") ends with it
    index = i;
    save({ index: index });
    var s = step();
    if (s.kind === "done") { showPainAfter(); return; }
    setScreen("step");
    var ex = exercise(s);
    var stored = load().count;
    count = stored && stored.index === index ? stored.n : 0;
    source = "manual";
    holdSecondsSeen = 0;
    heldTotal = 0;
    el.exercise.textContent = ex ? ex.name : "";
    el.set.hidden = !(s.sets > 0 && s.kind !== "intro");
    el.set.textContent = "Set " + s.set_number + " of " + s.sets;
    el.side.hidden = !s.side && !s.alternating;
    el.side.textContent = s.alternating ? "Both sides, taking turns" : (s.side ? cap(s.side) + " side" : "");
    var headings = {
      intro: ex ? ex.name : "Next exercise",
      reps: ex ? ex.name + ": " + totalTarget(s) + " reps" : "Reps",
      hold: ex ? ex.name + ": " + (s.target_reps > 1 ? s.target_reps + " holds of " : "hold ") + fmt(s.hold_s) + " s" : "Hold",
      rest: "Rest",
      side_change: "Switch sides"
    };
    el.heading.textContent = headings[s.kind] || "";
    // The spoken introduction starts with the exercise's name; on screen the heading already says it.
    var shown = s.text;
    if (s.kind === "intro" && ex && shown.indexOf(ex.name + ". ") === 0) shown = shown.slice(ex.name.length + 2);
    el.text.textContent = shown;
    // The exercise's dose today, in the app's one wording of a dose, on its introduction.
    var dose = $("step-dose");
    dose.hidden = !(s.kind === "intro" && data.doses && data.doses[s.exercise_id]);
    dose.textContent = dose.hidden ? "" : "Today: " + data.doses[s.exercise_id];
    // The physiotherapist's own words for this exercise, and the version they chose, on its introduction.
    var note = $("step-instruction");
    var words = s.kind === "intro" ? [(data.variants || {})[s.exercise_id], (data.instructions || {})[s.exercise_id]] : [];
    words = words.filter(Boolean);
    note.hidden = !words.length;
    note.textContent = words.join(" ");
    renderHowTo(ex);
    document.querySelectorAll("[data-figure-for]").forEach(function (f) {
      f.hidden = !(ex && f.getAttribute("data-figure-for") === ex.id && s.kind !== "rest");
    });
    el.howTo.parentElement.open = s.kind === "intro";
    el.hurts.hidden = !ex;
    closeHurt();
    el.phase.textContent = "";
    el.timer.hidden = true;
    el.counter.hidden = !isWork(s);
    el.count.textContent = String(count);
    el.target.textContent = String(totalTarget(s));
    el.countUnit.textContent = s.kind === "hold" ? "holds" : "reps";
    el.progress.setAttribute("aria-valuenow", String(index));
    el.progress.firstElementChild.style.width = (100 * index / Math.max(1, steps.length - 1)) + "%";
    if (s.kind === "rest" || s.kind === "side_change") {
      beginSub("rest", s.rest_s);
      startTimer();
    } else if (isWork(s)) {
      if (s.kind === "hold") showSeconds(s.hold_s);
      el.phase.textContent = idleHint(s);
    }
    updateButtons();
    speak(s.text, true);
    if (focusHeading) el.heading.focus({ preventScroll: false });
    emit("step", { index: index, step: publicStep() });
  }

  function idleHint(s) {
    if (cameraActive) return "The camera is counting. Put it right with + and − if it misses one.";
    if (s.kind === "hold") return "Press Start when you are in position";
    return "Count your reps with + and −, or press Start to be paced";
  }

  function updateButtons() {
    var s = step();
    if (!s || el.screens.step.hidden) return;
    var timed = s.kind === "hold" || s.kind === "reps" || s.kind === "rest" || s.kind === "side_change";
    el.start.hidden = !timed;
    el.start.textContent = phase === "running" ? "Pause" : (phase === "paused" ? "Resume" : "Start");
    el.start.setAttribute("aria-pressed", phase === "running" ? "true" : "false");
    var doneLabels = { intro: "I'm ready", reps: "Set done", hold: "Set done", rest: "Skip rest", side_change: "Ready" };
    el.done.textContent = doneLabels[s.kind] || "Next";
    // During a rest or a side change "Skip rest" / "Ready" already moves on: one button, not two.
    el.skip.hidden = s.kind === "rest" || s.kind === "side_change";
    el.skip.textContent = isWork(s) ? "Skip set" : (s.kind === "intro" ? "Skip this exercise" : "Skip");
  }

  function publicStep() {
    var s = step();
    if (!s || el.screens.step.hidden) return null;
    var copy = JSON.parse(JSON.stringify(s));
    copy.index = index;
    copy.count = count;
    copy.client_id = isWork(s) ? clientIdFor(index) : null;
    return copy;
  }

  // --- moving on -----------------------------------------------------------------------------
  function completeStep() {
    var s = step();
    if (isWork(s)) {
      var holdS = 0;
      if (s.kind === "hold" || s.hold_s > 0) {
        holdS = (source === "camera" && heldTotal > 0 && count > 0) ? heldTotal / count : s.hold_s;
      }
      var body = {
        exercise_id: s.exercise_id, set_number: s.set_number, side: s.alternating ? null : s.side,
        reps: count, hold_s: Math.round(holdS * 10) / 10, source: source, client_id: clientIdFor(index)
      };
      post("/sets", body, index);
      speak("Set done", true);
    }
    next();
  }
  function next() {
    if (index + 1 < steps.length) showStep(index + 1, true);
    else showPainAfter();
  }
  function skip() {
    var s = step();
    if (s.kind === "intro") { skipWholeExercise(); return; }
    if (s.kind === "rest" || s.kind === "side_change") { next(); return; }
    next();
    say("Set skipped.");
  }
  // "Skip this exercise" on its introduction: on to the next exercise's introduction (no rest for an
  // exercise not done).
  function skipWholeExercise() {
    var eid = step().exercise_id;
    var i = index;
    while (i + 1 < steps.length && steps[i + 1].exercise_id === eid) i++;
    showStep(Math.min(i + 1, steps.length - 1), true);
    say("Skipped. On to the next one.");
  }
  function skipExercise() {
    var eid = step().exercise_id;
    var i = index;
    while (i + 1 < steps.length && steps[i + 1].exercise_id === eid) i++;
    // land on the rest after the exercise (if any) rather than skipping the next exercise's intro
    showStep(Math.min(i + 1, steps.length - 1), true);
    say("Stopped this exercise. Take it easy.");
  }

  function startPause() {
    var s = step();
    if (el.screens.step.hidden) return;
    if (phase === "running") { stopTimer(true); el.phase.textContent = "Paused"; return; }
    if (phase === "paused" && sub) { startTimer(); return; }
    if (s.kind === "hold") { beginSub("hold", s.hold_s); startTimer(); }
    else if (s.kind === "reps") { beginSub("rep", repSeconds(s)); startTimer(); }
    else if (s.kind === "rest" || s.kind === "side_change") { if (!sub) beginSub("rest", s.rest_s); startTimer(); }
  }

  // --- pain ----------------------------------------------------------------------------------
  function showPainBefore() {
    setScreen("before");
    $("pain-before-title").focus();
    speak("Before you start: how is your back right now, from 0 to 10?", true);
  }
  function showPainAfter(early) {
    stopTimer();
    setScreen("after");
    $("pain-after-title").textContent = early === true
      ? "Finishing here. How is your back now?"
      : "All done. How is your back now?";
    el.progress.setAttribute("aria-valuenow", String(steps.length));
    el.progress.firstElementChild.style.width = "100%";
    $("pain-after-title").focus();
    speak($("pain-after-title").textContent + " From 0 to 10.", true);
  }
  function ratePain(moment, score) {
    var body = { score: score, moment: moment, client_id: "w" + data.workout_id + "-" + moment };
    return post("/pain", body);
  }

  // Pain above the acceptable limit (5/10) before starting: a choice that cannot be missed, on any
  // screen size (a modal dialog): stop for today, an easier version of this workout, or carry on gently.
  var painLimit = typeof data.pain_acceptable_max === "number" ? data.pain_acceptable_max : 5;
  var painHigh = $("pain-high");
  function showPainHigh() {
    stopTimer();
    $("pain-high-status").textContent = "";
    $("pain-high-easier").hidden = !!data.easier || data.sets_stored > 0;
    if (painHigh.showModal) painHigh.showModal(); else painHigh.setAttribute("open", "");
    $("pain-high-title").focus();
    speak("That is a lot of pain to start with. Stop for today, an easier version, or carry on gently?", true);
  }
  function closePainHigh() {
    if (painHigh.close) painHigh.close(); else painHigh.removeAttribute("open");
  }
  function postNow(path) {
    return fetch(data.api + path, { method: "POST", headers: postHeaders() })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (json) {
        if (!r.ok) throw new Error(json.detail || ("status " + r.status));
        return json;
      }); });
  }
  $("pain-high-stop").addEventListener("click", function () {
    $("pain-high-status").textContent = "Saving...";
    // The pain rating waits in the outbox: send it first, then end the workout.
    flush().then(function () { return postNow("/stop"); }).then(function () {
      try { localStorage.removeItem(storeKey); } catch (e) { /* fine */ }
      location.assign("/?notice=rest");
    }).catch(function (err) {
      $("pain-high-status").textContent = "Could not stop the workout: " + err.message + ". Please try again.";
    });
  });
  $("pain-high-easier").addEventListener("click", function () {
    $("pain-high-status").textContent = "Making this workout easier...";
    postNow("/easier").then(function () {
      save({ index: 0, count: null, client_ids: {} });
      location.reload();
    }).catch(function (err) {
      $("pain-high-status").textContent = "Could not change this workout (" + err.message + "). You can carry on gently.";
    });
  });
  $("pain-high-gently").addEventListener("click", function () {
    closePainHigh();
    showStep(index, true);
    say("Carry on gently. Stop any exercise that makes the pain go above 5, and see a clinician if it does not settle.");
  });
  painHigh.addEventListener("cancel", function (ev) { ev.preventDefault(); });

  // "It hurts": pain during an exercise goes through the safety check-in (POST /api/safety/checkin),
  // which says whether to stop (pain above 5; the exercise is then marked for an easier dose) and
  // whether the safety questions must be answered again before the next workout.
  function openHurt() {
    if (el.hurts.hidden) return;
    if (phase === "running") { stopTimer(true); el.phase.textContent = "Paused"; }
    el.painDuring.hidden = false;
    el.hurts.setAttribute("aria-expanded", "true");
    el.painDuring.querySelectorAll("button[data-pain]").forEach(function (x) { x.setAttribute("aria-pressed", "false"); });
    el.painResult.textContent = "";
    el.painStop.hidden = true;
    $("pain-during-title").focus();
    speak("How much does it hurt right now, from 0 to 10?", true);
  }
  function closeHurt() {
    el.painDuring.hidden = true;
    el.painStop.hidden = true;
    el.painRescreen.hidden = true;
    el.hurts.setAttribute("aria-expanded", "false");
  }
  function showCheckIn(score, result) {
    var stop = result ? !!result.stop_exercise : score > 5;
    // With the stop offer the alert below explains; otherwise the zone's meaning says what to do.
    var text = result && result.zone
      ? score + " out of 10: " + result.zone.label + "." + (stop ? "" : " " + result.zone.meaning)
      : (stop ? score + " out of 10 is above 5." : score + " out of 10 noted. Carry on gently, and stop if it gets worse.");
    el.painResult.textContent = text;
    el.painStop.hidden = !stop;
    el.painRescreen.hidden = !(result && result.rescreen_reason);
    if (result && result.rescreen_reason) {
      el.painRescreen.textContent = result.rescreen_reason +
        " They come up before your next workout, or if you reload this page.";
    }
    speak(stop ? "Pain " + score + " is above 5. We suggest you stop this exercise." : text, true);
    if (stop) $("btn-stop-exercise").focus();
    emit("pain", { score: score, stop_exercise: stop, result: result || null });
  }
  function checkInDuring(score) {
    var s = step();
    var body = { score: score, moment: "during", workout_id: data.workout_id, exercise_id: s.exercise_id };
    el.painResult.textContent = "Saving...";
    return fetch("/api/safety/checkin", {
      method: "POST", headers: postHeaders(),
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (json) {
        if (!r.ok) throw new Error(json.detail || ("status " + r.status));
        showCheckIn(score, json);
      });
    }).catch(function () {
      // No answer: keep the rating on this device (sent when the server answers) and decide here.
      post("/pain", { score: score, moment: "during", exercise_id: s.exercise_id, client_id: clientIdFor("pain-" + index) });
      showCheckIn(score, null);
    });
  }
  function finishWorkout() {
    stopTimer();
    say("Saving...");
    onDrained = function () {
      onDrained = null;
      try { localStorage.removeItem(storeKey); } catch (e) { /* fine */ }
      emit("finished", { workoutId: data.workout_id });
      location.assign("/workout/" + data.workout_id + "?notice=finished");
    };
    post("/finish", {});
  }

  document.querySelectorAll(".pain-scale").forEach(function (group) {
    group.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-pain]");
      if (!b) return;
      var score = Number(b.getAttribute("data-pain"));
      group.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-pressed", x === b ? "true" : "false"); });
      var moment = group.getAttribute("data-moment");
      if (moment !== "during") ratePain(moment, score);
      if (moment === "before") {
        save({ pain_before_done: true });
        if (score > painLimit) showPainHigh();
        else showStep(index, true);
      }
      else if (moment === "after") { finishWorkout(); }
      else if (moment === "during") { checkInDuring(score); }
    });
  });
  $("pain-before-skip").addEventListener("click", function () { save({ pain_before_done: true }); showStep(index, true); });
  $("pain-after-skip").addEventListener("click", finishWorkout);
  $("pain-after-back").addEventListener("click", function () {
    var last = step().kind === "done" ? Math.max(0, index - 1) : index;
    showStep(last, true);
  });
  $("btn-stop-exercise").addEventListener("click", function () { closeHurt(); skipExercise(); });
  $("btn-carry-on").addEventListener("click", function () {
    closeHurt();
    say("Carry on gently. Stop if the pain goes above 5.");
    el.hurts.focus();
  });
  el.hurts.addEventListener("click", function () {
    if (el.painDuring.hidden) openHurt(); else { closeHurt(); }
  });

  // --- controls ------------------------------------------------------------------------------
  el.start.addEventListener("click", startPause);
  el.done.addEventListener("click", function () {
    var s = step();
    if (isWork(s)) { stopTimer(); completeStep(); } else { next(); }
  });
  el.skip.addEventListener("click", skip);
  el.finish.addEventListener("click", function () { showPainAfter(true); });
  el.plus.addEventListener("click", function () { setCount(count + 1, "manual"); });
  el.minus.addEventListener("click", function () { setCount(count - 1, "manual"); });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    // On a focused button (or link, or summary) Space and Enter keep their usual meaning.
    var onControl = tag === "BUTTON" || tag === "SUMMARY" || tag === "A";
    if (el.screens.step.hidden) return;
    var key = ev.key;
    if (key === " " || key === "Spacebar") {
      if (onControl) return;
      ev.preventDefault(); startPause();
    } else if (key === "Enter") {
      if (onControl) return;
      ev.preventDefault(); el.done.click();
    } else if (key === "s" || key === "S") { ev.preventDefault(); skip(); }
    else if (key === "f" || key === "F") { ev.preventDefault(); showPainAfter(true); }
    else if (key === "h" || key === "H") { ev.preventDefault(); openHurt(); }
    else if (key === "Escape" && !el.painDuring.hidden) { ev.preventDefault(); closeHurt(); el.hurts.focus(); }
    else if (key === "+" || key === "=") { ev.preventDefault(); setCount(count + 1, "manual"); }
    else if (key === "-" || key === "_") { ev.preventDefault(); setCount(count - 1, "manual"); }
  });

  function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
  function fmt(n) { return String(Math.round(n * 10) / 10); }

  // --- the API for the live camera panel -------------------------------------------------------
  window.backcoachPlayer = {
    workoutId: data.workout_id,
    currentStep: publicStep,
    currentClientId: function () { var s = step(); return s && isWork(s) ? clientIdFor(index) : null; },
    addReps: function (n, src) { setCount(count + (n || 1), src || "camera"); maybeAutoComplete(); },
    setReps: function (n, src) { setCount(n, src || "camera"); maybeAutoComplete(); },
    setHoldSeconds: function (s) {
      holdSecondsSeen = s;
      if (step() && step().kind === "hold") { el.phase.textContent = "Holding"; showSeconds(s); }
    },
    completeHold: function (s, src) {
      heldTotal += s || holdSecondsSeen || 0;
      holdSecondsSeen = 0;
      setCount(count + 1, src || "camera");
      maybeAutoComplete();
    },
    setCameraActive: function (on) {
      cameraActive = !!on;
      var s = step();
      if (s && isWork(s) && phase !== "running" && !el.screens.step.hidden) el.phase.textContent = idleHint(s);
    },
    done: function () { el.done.click(); },
    pause: function () { if (phase === "running") stopTimer(true); },
    resume: function () { if (phase === "paused") startTimer(); },
    isRunning: function () { return phase === "running"; }
  };
  function maybeAutoComplete() {
    var s = step();
    if (s && isWork(s) && count >= totalTarget(s)) {
      stopTimer();
      setTimeout(function () { if (step() === s && count >= totalTarget(s)) completeStep(); }, 800 / speed);
    }
  }

  // --- go ------------------------------------------------------------------------------------
  flush();
  if (data.pain_before === null && !stored.pain_before_done && index === 0) {
    showPainBefore();
  } else {
    showStep(index, false);
  }
})();
