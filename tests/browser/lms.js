/* The test LMS: one scorm-again Scorm12API per launch, wrapped by StrictApi, and the
 * SCO in an iframe (or a popup, to exercise discovery through the opener).  Python
 * drives it through window.lms. */
(function () {
  "use strict";

  var current = null;

  function newLog() {
    return { calls: [], violations: [], errors: [], values: {}, initialized: false,
             finished: false, finishCount: 0, commitCount: 0, pageErrors: [] };
  }

  function preload(api, previous) {
    previous = previous || {};
    var core = { student_id: "learner-1", student_name: "Learner, Test", lesson_mode: "normal",
                 credit: "credit", entry: previous.entry || "ab-initio" };
    if (previous.lesson_status) { core.lesson_status = previous.lesson_status; }
    if (previous.lesson_location) { core.lesson_location = previous.lesson_location; }
    var json = { core: core, launch_data: "", student_data: { mastery_score: previous.mastery_score || "" } };
    if (previous.suspend_data) { json.suspend_data = previous.suspend_data; }
    api.loadFromJSON(json);
  }

  function start(previous) {
    var raw = new window.Scorm12API({ lmsCommitUrl: "/commit", autocommit: false, logLevel: 5 });
    preload(raw, previous);
    var log = newLog();
    current = { raw: raw, log: log };
    window.API = window.StrictApi(raw, log);
    return log;
  }

  function result() {
    var log = current.log;
    var core = current.raw.cmi.core;
    return {
      initialized: log.initialized,
      finished: log.finished,
      finishCount: log.finishCount,
      commitCount: log.commitCount,
      violations: log.violations,
      errors: log.errors,
      pageErrors: log.pageErrors,
      values: log.values,
      lesson_status: core.lesson_status,
      score_raw: String(core.score.raw),
      lesson_location: core.lesson_location,
      suspend_data: current.raw.cmi.suspend_data,
      interactions: current.raw.cmi.interactions.childArray.length
    };
  }

  function watchErrors(win) {
    var log = current.log;
    win.addEventListener("error", function (event) { log.pageErrors.push(String(event.message)); });
  }

  window.lms = {
    launch: function (url, previous) {
      start(previous);
      var frame = document.getElementById("sco");
      return new Promise(function (resolve) {
        frame.onload = function () { watchErrors(frame.contentWindow); resolve(true); };
        frame.src = url;
      });
    },
    launchPopup: function (url, previous) {
      start(previous);
      current.popup = window.open(url, "sco", "width=900,height=700");
      return true;
    },
    // The LMS moves on: the SCO is unloaded, as when the learner picks another item.
    leave: function () {
      if (current.popup) {
        current.popup.close();
      } else {
        document.getElementById("sco").src = "about:blank";
      }
      return true;
    },
    result: result
  };
}());
