/* A strict wrapper around a SCORM 1.2 API object.  It passes every call through and
 * records (never blocks) what Moodle's scorm_12.js or the SCORM 1.2 RTE would reject, and
 * every call the runtime answered with an error.  window.StrictApi(api, log). */
(function () {
  "use strict";

  var TIMESPAN = /^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$/;
  var TIME = /^([0-2]{1}[0-9]{1}):([0-5]{1}[0-9]{1}):([0-5]{1}[0-9]{1})(\.[0-9]{1,2})?$/;
  var IDENTIFIER = /^[\u0021-\u007E]{0,255}$/;
  var DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

  var ELEMENTS = [
    /^cmi\._version$/, /^cmi\.core\._children$/, /^cmi\.core\.score\._children$/,
    /^cmi\.core\.(student_id|student_name|lesson_location|credit|lesson_status|entry|total_time|lesson_mode|exit|session_time)$/,
    /^cmi\.core\.score\.(raw|min|max)$/,
    /^cmi\.(suspend_data|launch_data|comments|comments_from_lms)$/,
    /^cmi\.student_data\.(_children|mastery_score|max_time_allowed|time_limit_action)$/,
    /^cmi\.student_preference\.(_children|audio|language|speed|text)$/,
    /^cmi\.objectives\.(_children|_count)$/,
    /^cmi\.objectives\.\d+\.(id|status|score\._children|score\.raw|score\.min|score\.max)$/,
    /^cmi\.interactions\.(_children|_count)$/,
    /^cmi\.interactions\.\d+\.(id|time|type|weighting|student_response|result|latency)$/,
    /^cmi\.interactions\.\d+\.(objectives|correct_responses)\._count$/,
    /^cmi\.interactions\.\d+\.objectives\.\d+\.id$/,
    /^cmi\.interactions\.\d+\.correct_responses\.\d+\.pattern$/
  ];
  var WRITE_ONLY = [/^cmi\.core\.(exit|session_time)$/, /^cmi\.interactions\.\d+\.(?!_count)/];

  function inRange(value, low, high) {
    return DECIMAL.test(value) && parseFloat(value) >= low && parseFloat(value) <= high;
  }

  var VALUE_RULES = [
    [/^cmi\.core\.lesson_status$/, function (v) { return /^(passed|completed|failed|incomplete|browsed)$/.test(v); }],
    [/^cmi\.core\.exit$/, function (v) { return /^(time-out|suspend|logout|)$/.test(v); }],
    [/^cmi\.core\.session_time$/, function (v) { return TIMESPAN.test(v); }],
    [/^cmi\.interactions\.\d+\.latency$/, function (v) { return TIMESPAN.test(v); }],
    [/^cmi\.interactions\.\d+\.time$/, function (v) { return TIME.test(v); }],
    [/^cmi\.core\.score\.(raw|min|max)$/, function (v) { return inRange(v, 0, 100); }],
    [/^cmi\.objectives\.\d+\.score\.(raw|min|max)$/, function (v) { return v === "" || inRange(v, 0, 100); }],
    [/^cmi\.interactions\.\d+\.weighting$/, function (v) { return inRange(v, -100, 100); }],
    [/^cmi\.core\.lesson_location$/, function (v) { return v.length <= 255; }],
    [/^cmi\.(suspend_data|comments)$/, function (v) { return v.length <= 4096; }],
    [/^cmi\.(objectives\.\d+|interactions\.\d+|interactions\.\d+\.objectives\.\d+)\.id$/, function (v) { return IDENTIFIER.test(v) && v !== ""; }],
    [/^cmi\.interactions\.\d+\.type$/, function (v) { return /^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$/.test(v); }],
    [/^cmi\.interactions\.\d+\.result$/, function (v) { return /^(correct|wrong|unanticipated|neutral|-?([0-9]{0,3})?(\.[0-9]*)?)$/.test(v) && v !== ""; }],
    [/^cmi\.interactions\.\d+\.(student_response|correct_responses\.\d+\.pattern)$/, function (v) { return v.length <= 255; }]
  ];
  var READ_ONLY = /^cmi\.(core\.(student_id|student_name|credit|entry|total_time|lesson_mode)|launch_data|comments_from_lms|student_data\..*|.*\._children|.*\._count|_version)$/;

  window.StrictApi = function (api, log) {
    var state = { initialized: false, finished: false, interactions: 0 };

    function violation(text) { log.violations.push(text); }

    function checkSequence(name, argument) {
      if (name !== "LMSGetLastError" && name !== "LMSGetErrorString" && name !== "LMSGetDiagnostic") {
        if (state.finished) { violation(name + " called after LMSFinish"); }
        if (!state.initialized && name !== "LMSInitialize") { violation(name + " called before LMSInitialize"); }
      }
      if ((name === "LMSInitialize" || name === "LMSFinish" || name === "LMSCommit") && argument !== "") {
        violation(name + " called with " + JSON.stringify(argument) + " instead of \"\"");
      }
    }

    function checkElement(element, writing) {
      if (typeof element !== "string" || !ELEMENTS.some(function (re) { return re.test(element); })) {
        violation("not a SCORM 1.2 element: " + element);
        return false;
      }
      if (writing && READ_ONLY.test(element)) { violation("write to read-only " + element); }
      if (!writing && WRITE_ONLY.some(function (re) { return re.test(element); }) &&
          !/\._count$/.test(element)) {
        violation("read of write-only " + element);
      }
      return true;
    }

    function checkInteractionIndex(element) {
      var match = /^cmi\.interactions\.(\d+)\./.exec(element);
      if (!match) { return; }
      var n = parseInt(match[1], 10);
      if (n > state.interactions) {
        violation("non-sequential interaction index " + n + " (count " + state.interactions + ")");
      } else if (n === state.interactions) {
        state.interactions += 1;
      }
    }

    function record(name, args, result) {
      var code = String(api.LMSGetLastError());
      log.calls.push({ name: name, args: args, result: result, error: code });
      if (code !== "0" && name.indexOf("LMSGet") !== 0) {
        log.errors.push(name + "(" + args.map(function (a) { return JSON.stringify(a); }).join(", ") +
          ") -> error " + code + " " + api.LMSGetErrorString(code));
      } else if (code !== "0" && name === "LMSGetValue") {
        log.errors.push("LMSGetValue(" + JSON.stringify(args[0]) + ") -> error " + code);
      }
    }

    return {
      LMSInitialize: function (argument) {
        checkSequence("LMSInitialize", argument);
        if (state.initialized) { violation("second LMSInitialize"); }
        var result = api.LMSInitialize(argument);
        state.initialized = result === "true";
        state.interactions = parseInt(api.LMSGetValue("cmi.interactions._count"), 10) || 0;
        record("LMSInitialize", [argument], result);
        log.initialized = state.initialized;
        return result;
      },
      LMSFinish: function (argument) {
        checkSequence("LMSFinish", argument);
        var result = api.LMSFinish(argument);
        state.finished = true;
        record("LMSFinish", [argument], result);
        log.finished = true;
        log.finishCount += 1;
        return result;
      },
      LMSGetValue: function (element) {
        checkSequence("LMSGetValue", "");
        checkElement(element, false);
        var result = api.LMSGetValue(element);
        record("LMSGetValue", [element], result);
        return result;
      },
      LMSSetValue: function (element, value) {
        checkSequence("LMSSetValue", "");
        if (typeof value !== "string") { violation("value for " + element + " is a " + typeof value + ", not a string"); }
        if (checkElement(element, true)) {
          checkInteractionIndex(element);
          VALUE_RULES.forEach(function (rule) {
            if (rule[0].test(element) && !rule[1](String(value))) {
              violation("value rejected by Moodle for " + element + ": " + JSON.stringify(value));
            }
          });
        }
        var result = api.LMSSetValue(element, value);
        record("LMSSetValue", [element, value], result);
        if (result === "true") { log.values[element] = String(value); }
        return result;
      },
      LMSCommit: function (argument) {
        checkSequence("LMSCommit", argument);
        var result = api.LMSCommit(argument);
        record("LMSCommit", [argument], result);
        log.commitCount += 1;
        return result;
      },
      LMSGetLastError: function () { return api.LMSGetLastError(); },
      LMSGetErrorString: function (code) { return api.LMSGetErrorString(code); },
      LMSGetDiagnostic: function (code) { return api.LMSGetDiagnostic(code); }
    };
  };
}());
