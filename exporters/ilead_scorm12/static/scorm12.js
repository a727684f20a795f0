/* SCORM 1.2 run-time for iLead pages: one SCO per page.
 *
 * Pages are completed once viewed.  A quiz reports a 0-100 score, one interaction per
 * question and passed/failed against the mastery score, and keeps its answers in
 * cmi.suspend_data so the learner can resume.  Commits happen on learner actions; on
 * pagehide only session_time is set (a local call) and LMSFinish is called (Chromium
 * blocks synchronous requests while a page is dismissed, and some LMSs reject commits
 * then); the unload event is never used. */
(function () {
  "use strict";

  var MAX_HOPS = 500;
  var SUSPEND_LIMIT = 4096;
  var TEXT_LIMIT = 255;
  var CLOCK_INTERVAL = 15000;

  // --- API discovery: the parent chain, then the opener's (cross-origin frames throw) --
  function searchChain(start) {
    var win = start;
    for (var hops = 0; win && hops < MAX_HOPS; hops += 1) {
      try {
        if (win.API && typeof win.API.LMSInitialize === "function") { return win.API; }
      } catch (crossOrigin) { /* keep climbing: a higher frame may be same-origin */ }
      var parent;
      try { parent = win.parent; } catch (denied) { return null; }
      if (!parent || parent === win) { return null; }
      win = parent;
    }
    return null;
  }

  function findApi() {
    var api = searchChain(window);
    var openers = [];
    try { openers.push(window.opener); } catch (denied) { /* no opener */ }
    try { openers.push(window.top.opener); } catch (denied) { /* no top opener */ }
    for (var i = 0; !api && i < openers.length; i += 1) {
      if (openers[i]) {
        try { api = searchChain(openers[i]); } catch (denied) { api = null; }
      }
    }
    return api;
  }

  // --- formats ------------------------------------------------------------------------
  function pad(number, width) {
    var text = String(Math.floor(number));
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  // CMITimespan HHHH:MM:SS.SS
  function timespan(milliseconds) {
    var centiseconds = Math.min(Math.round(milliseconds / 10), 9999 * 360000 + 359999);
    var hours = Math.floor(centiseconds / 360000);
    var minutes = Math.floor((centiseconds % 360000) / 6000);
    var seconds = (centiseconds % 6000) / 100;
    var secondsText = seconds.toFixed(2);
    if (seconds < 10) { secondsText = "0" + secondsText; }
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + secondsText;
  }

  // CMITime HH:MM:SS, the learner's local time of day
  function timeOfDay(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  function decimal(value) {
    return String(Math.round(value * 100) / 100);
  }

  function clip(text) {
    return String(text).slice(0, TEXT_LIMIT);
  }

  // --- the session --------------------------------------------------------------------
  var session = {
    api: findApi(),
    started: Date.now(),
    active: false,
    finished: false,
    clock: null
  };

  function call(name, a, b) {
    if (!session.api || !session.active || session.finished) { return ""; }
    try {
      return String(b === undefined ? session.api[name](a) : session.api[name](a, b));
    } catch (error) {
      return "";
    }
  }

  function get(element) { return call("LMSGetValue", element); }

  function set(element, value) {
    var ok = call("LMSSetValue", element, String(value)) === "true";
    if (!ok && session.active && !session.finished && window.console) {
      window.console.warn("SCORM: " + element + " was refused, error " + call("LMSGetLastError", ""));
    }
    return ok;
  }

  function commit() { return call("LMSCommit", "") === "true"; }

  function updateClock() { set("cmi.core.session_time", timespan(Date.now() - session.started)); }

  var statusBox = document.querySelector("[data-tracking-status]");
  var finishButton = document.querySelector("[data-tracking-finish]");

  // The page's interface strings (#ilead-strings, in the course's language).
  var messages = (function () {
    var element = document.getElementById("ilead-strings");
    try { return element ? JSON.parse(element.textContent).messages || {} : {}; } catch (error) { return {}; }
  }());

  function t(key) { return messages[key] === undefined ? key : messages[key]; }

  function say(key) {
    if (statusBox) { statusBox.textContent = t(key); }
  }

  function initialize() {
    if (!session.api) { return false; }
    try {
      session.active = String(session.api.LMSInitialize("")) === "true";
    } catch (error) {
      session.active = false;
    }
    if (session.active) {
      // Only local LMSSetValue calls: session_time stays close to the truth even if the
      // page is killed before finish() runs.
      session.clock = window.setInterval(updateClock, CLOCK_INTERVAL);
    }
    return session.active;
  }

  function finish() {
    if (!session.active || session.finished) { return; }
    window.clearInterval(session.clock);
    // The whole visit, not the last 15-second tick: an LMS adds session_time to total_time
    // on LMSFinish (Moodle does so only then), so a short visit would otherwise count 0.
    updateClock();
    session.finished = true;
    try { session.api.LMSFinish(""); } catch (error) { /* the LMS is gone */ }
  }

  // --- quiz state in suspend_data -----------------------------------------------------
  function encodeState(state) {
    var json = JSON.stringify(state);
    // Long essays are cut, longest first, until the state fits what every LMS keeps.
    while (json.length > SUSPEND_LIMIT) {
      var longest = null;
      Object.keys(state.a).forEach(function (id) {
        var value = state.a[id];
        if (typeof value === "string" && (longest === null || value.length > state.a[longest].length)) {
          longest = id;
        }
      });
      if (longest === null || state.a[longest].length === 0) {
        return JSON.stringify({ v: 1, a: {}, s: state.s, t: state.t });
      }
      var value = state.a[longest];
      state.a[longest] = value.slice(0, Math.max(0, value.length - (json.length - SUSPEND_LIMIT) - 16));
      json = JSON.stringify(state);
    }
    return json;
  }

  function decodeState(text) {
    if (!text) { return null; }
    try {
      var state = JSON.parse(text);
      return state && state.v === 1 && typeof state.a === "object" ? state : null;
    } catch (error) {
      return null;
    }
  }

  function interactionType(type) {
    return {
      multiple_choice: "choice", multiple_answer: "choice", true_false: "true-false",
      short_answer: "fill-in", numeric: "numeric", essay: "fill-in"
    }[type];
  }

  function choiceValues(question, choiceIds) {
    return question.choices.filter(function (choice) {
      return choiceIds.indexOf(choice.id) !== -1;
    }).map(function (choice) { return choice.value; });
  }

  function correctPattern(question) {
    if (question.choices) {
      var correct = question.choices.filter(function (c) { return c.correct; }).map(function (c) { return c.id; });
      return choiceValues(question, correct).join(",");
    }
    if (question.answers) { return question.answers[0]; }
    if (question.ranges && question.ranges.length === 1 && question.ranges[0][0] === question.ranges[0][1]) {
      return String(question.ranges[0][0]);
    }
    return null;  // a numeric range has no SCORM 1.2 pattern
  }

  function recordInteractions(quiz, outcome) {
    var now = timeOfDay(new Date());
    outcome.questions.forEach(function (result, index) {
      var question = quiz.key.questions[index];
      var n = parseInt(get("cmi.interactions._count"), 10) || 0;
      var prefix = "cmi.interactions." + n + ".";
      var response = Array.isArray(result.answer) ? choiceValues(question, result.answer).join(",") : result.answer;
      set(prefix + "id", clip(question.id));
      set(prefix + "type", interactionType(question.type));
      set(prefix + "time", now);
      set(prefix + "weighting", decimal(Math.min(question.points, 100)));
      set(prefix + "student_response", clip(response));
      var pattern = correctPattern(question);
      if (pattern !== null && question.type !== "essay") {
        set(prefix + "correct_responses.0.pattern", clip(pattern));
      }
      set(prefix + "result", result.correct === null ? "neutral" : (result.correct ? "correct" : "wrong"));
    });
  }

  function masteryFromLms(quiz) {
    var text = get("cmi.student_data.mastery_score");
    var value = text === "" ? NaN : parseFloat(text);
    if (!isNaN(value)) { quiz.setMastery(value); }
  }

  function startQuiz(quiz) {
    var form = quiz.form;
    var attemptsAllowed = parseInt(form.getAttribute("data-attempts"), 10) || 0;
    // "ab-initio" is a fresh attempt: whatever suspend_data holds belongs to an older one.
    var entry = get("cmi.core.entry");
    var saved = entry === "ab-initio" ? null : decodeState(get("cmi.suspend_data"));
    var state = saved || { v: 1, a: {}, s: 0, t: 0 };
    masteryFromLms(quiz);

    var status = get("cmi.core.lesson_status");
    if (status === "" || status === "not attempted") {
      set("cmi.core.lesson_status", "incomplete");
      status = "incomplete";
    }
    quiz.restore(state.a);
    if (state.s) { quiz.showFeedback(quiz.evaluate()); }
    var location = get("cmi.core.lesson_location");
    var resumeAt = location && quiz.fieldset(location);
    if (resumeAt) { resumeAt.scrollIntoView(); }

    function canRetry() { return !attemptsAllowed || state.t < attemptsAllowed; }

    function exitFor(lessonStatus) {
      // "suspend" brings the learner back to the saved answers; a final result needs no resume.
      return lessonStatus === "incomplete" || (lessonStatus === "failed" && canRetry()) ? "suspend" : "";
    }

    set("cmi.core.exit", exitFor(status));
    quiz.setAttempts(attemptsAllowed, state.t);
    if (!canRetry()) {
      quiz.disable(t("noAttempts"));
    }

    quiz.on("change", function (questionId) {
      state.a = quiz.answers();
      set("cmi.suspend_data", encodeState(state));
      if (questionId) { set("cmi.core.lesson_location", clip(questionId)); }
    });

    quiz.on("submit", function (outcome) {
      state.a = quiz.answers();
      state.s = 1;
      state.t += 1;
      recordInteractions(quiz, outcome);
      var lessonStatus = "completed";
      if (outcome.scored) {
        set("cmi.core.score.min", "0");
        set("cmi.core.score.max", "100");
        set("cmi.core.score.raw", decimal(outcome.percent));
        if (outcome.passed !== null) { lessonStatus = outcome.passed ? "passed" : "failed"; }
      }
      set("cmi.core.lesson_status", lessonStatus);
      set("cmi.suspend_data", encodeState(state));
      set("cmi.core.exit", exitFor(lessonStatus));
      updateClock();
      var saved = commit();
      say(saved ? "saved" : "notSaved");
      if (!canRetry()) {
        quiz.disable(null);
      }
    });
  }

  function startPage() {
    var status = get("cmi.core.lesson_status");
    if (status !== "completed" && status !== "passed" && status !== "failed") {
      set("cmi.core.lesson_status", "completed");
    }
    set("cmi.core.exit", "");
    updateClock();
    commit();
    say("viewed");
  }

  function start() {
    var quiz = window.IleadQuiz && window.IleadQuiz.current;
    if (!initialize()) {
      say("notConnected");
      if (finishButton) { finishButton.disabled = true; }
      return;
    }
    if (quiz) {
      startQuiz(quiz);
      say("savedAsYouGo");
    } else {
      startPage();
    }
    if (finishButton) {
      finishButton.addEventListener("click", function () {
        updateClock();
        commit();
        finish();
        if (quiz) { quiz.disable(null); }
        say("finished");
        // The button is disabled next: focus goes to the message, never to <body>.
        statusBox.focus();
        finishButton.disabled = true;
      });
    }
    window.addEventListener("pagehide", finish);
  }

  start();
}());
