/* Self-check quizzes: scores an iLead quiz form in the browser, without a server.
 *
 * The answer key is the JSON in the <script type="application/json"> element named by the
 * form's data-quiz-key; the interface strings, in the course's language, are the JSON of
 * #ilead-strings.  Other scripts (the SCORM runtime) use window.IleadQuiz: read and
 * restore answers, set the attempts, and listen for "change" and "submit" results.
 *
 * What a learner meets:
 * - Enter in a field never submits (no graded attempt by a stray key press); only the
 *   submit button does.  Above it, a review says how many questions are answered, which
 *   are not, and (graded quizzes) which attempt this is; the last attempt asks to confirm.
 * - After a submission focus moves to the results summary (score, pass or not against the
 *   pass mark, attempts left, a link to each question's feedback).  Each question's
 *   feedback sits in an element its fieldset names with aria-describedby: the chosen
 *   choices' own feedback, or the right answer when the author wrote none.
 * - The summary is a status region present, empty, from the start; focus never falls to
 *   the page when a control is disabled. */
(function () {
  "use strict";

  // --- interface strings ----------------------------------------------------------------
  function readStrings() {
    var element = document.getElementById("ilead-strings");
    var data = element ? JSON.parse(element.textContent) : { messages: {}, plural: "n != 1" };
    var rule = String(data.plural || "n != 1").replace(/\s+/g, "");
    var plural;
    if (rule === "n!=1" || rule === "(n!=1)") {
      plural = function (n) { return n === 1 ? 0 : 1; };
    } else if (rule === "n>1" || rule === "(n>1)") {
      plural = function (n) { return n > 1 ? 1 : 0; };
    } else {
      try {
        // The catalogue's own C expression (gettext's Plural-Forms), from our package.
        plural = new Function("n", "return +(" + data.plural + ");");  // eslint-disable-line no-new-func
      } catch (error) {
        plural = function (n) { return n === 1 ? 0 : 1; };
      }
    }
    return { messages: data.messages || {}, plural: plural };
  }

  var strings = readStrings();

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s|%%/g, function (match, name) {
      if (match === "%%") { return "%"; }
      return values && values[name] !== undefined ? String(values[name]) : match;
    });
  }

  function t(key, values) {
    var message = strings.messages[key];
    if (Array.isArray(message)) { message = message[message.length - 1]; }
    return fill(message === undefined ? key : message, values);
  }

  function tn(key, count, values) {
    var forms = strings.messages[key];
    if (!Array.isArray(forms)) { return t(key, values); }
    var index = Math.min(Math.max(strings.plural(count) | 0, 0), forms.length - 1);
    return fill(forms[index], values);
  }

  function quoted(text) { return t("quoted", { text: text }); }

  function number(value) {
    return String(Math.round(value * 100) / 100);
  }

  // --- answers ------------------------------------------------------------------------
  function normaliseText(value) {
    return String(value).trim().replace(/\s+/g, " ").toLowerCase();
  }

  // "4,000" and "4 000" are thousands; "3,5" is a decimal comma.
  function parseNumber(value) {
    var text = String(value).trim().replace(/\s+/g, "");
    if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) {
      text = text.replace(/,/g, "");
    } else {
      text = text.replace(",", ".");
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
      return null;
    }
    return parseFloat(text);
  }

  function sameSet(a, b) {
    if (a.length !== b.length) { return false; }
    var sortedA = a.slice().sort();
    var sortedB = b.slice().sort();
    for (var i = 0; i < sortedA.length; i += 1) {
      if (sortedA[i] !== sortedB[i]) { return false; }
    }
    return true;
  }

  function isChoiceType(type) {
    return type === "multiple_choice" || type === "multiple_answer" || type === "true_false";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // --- the quiz -----------------------------------------------------------------------
  function Quiz(form, key) {
    this.form = form;
    this.key = key;
    this.listeners = { change: [], submit: [] };
    this.submitted = false;
    this.disabled = false;
    this.graded = form.hasAttribute("data-graded");
    this.attempts = { allowed: parseInt(form.getAttribute("data-attempts"), 10) || 0, used: 0 };
    this.button = form.querySelector("button[type=submit]");
    this.summary = form.querySelector("[data-summary]");
    this.review = form.querySelector("[data-review]");
    this.confirmBox = form.querySelector("[data-confirm]");
    var quiz = this;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      quiz.request();
    });
    // Implicit submission (Enter in a text field, on a radio button or a checkbox) is the
    // stray key press that used to spend graded attempts: only the button submits.
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "submit") {
        event.preventDefault();
      }
    });
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("[data-question]");
      quiz.updateReview();
      quiz.emit("change", fieldset ? fieldset.getAttribute("data-question") : null);
    });
    form.addEventListener("input", function () { quiz.updateReview(); });
    if (this.confirmBox) {
      this.confirmBox.querySelector("[data-confirm-yes]").textContent = t("confirmYes");
      this.confirmBox.querySelector("[data-confirm-no]").textContent = t("confirmNo");
      this.confirmBox.querySelector("[data-confirm-yes]").addEventListener("click", function () {
        quiz.hideConfirm();
        quiz.submit();
      });
      this.confirmBox.querySelector("[data-confirm-no]").addEventListener("click", function () {
        quiz.hideConfirm();
        quiz.button.focus();
      });
    }
    this.updateReview();
  }

  Quiz.prototype.on = function (name, callback) {
    this.listeners[name].push(callback);
  };

  Quiz.prototype.emit = function (name, detail) {
    this.listeners[name].forEach(function (callback) { callback(detail); });
  };

  Quiz.prototype.fieldset = function (questionId) {
    return this.form.querySelector('[data-question="' + questionId + '"]');
  };

  // Answers by question id: an array of choice ids for choice questions, text otherwise.
  Quiz.prototype.answers = function () {
    var quiz = this;
    var answers = {};
    this.key.questions.forEach(function (question) {
      var fieldset = quiz.fieldset(question.id);
      if (isChoiceType(question.type)) {
        answers[question.id] = Array.prototype.map.call(
          fieldset.querySelectorAll("input:checked"), function (input) { return input.value; });
      } else {
        answers[question.id] = fieldset.querySelector("input, textarea").value;
      }
    });
    return answers;
  };

  Quiz.prototype.restore = function (answers) {
    var quiz = this;
    this.key.questions.forEach(function (question) {
      var value = answers[question.id];
      if (value === undefined) { return; }
      var fieldset = quiz.fieldset(question.id);
      if (isChoiceType(question.type)) {
        fieldset.querySelectorAll("input").forEach(function (input) {
          input.checked = value.indexOf(input.value) !== -1;
        });
      } else {
        fieldset.querySelector("input, textarea").value = value;
      }
    });
    this.updateReview();
  };

  Quiz.prototype.evaluateQuestion = function (question, answer) {
    var result = { id: question.id, type: question.type, points: question.points, answer: answer };
    if (question.type === "essay") {
      result.correct = null;
      result.answered = answer.trim() !== "";
    } else if (isChoiceType(question.type)) {
      var correct = question.choices.filter(function (c) { return c.correct; })
        .map(function (c) { return c.id; });
      result.answered = answer.length > 0;
      result.correct = sameSet(answer, correct);
    } else if (question.type === "short_answer") {
      result.answered = answer.trim() !== "";
      result.correct = question.answers.indexOf(normaliseText(answer)) !== -1;
    } else {
      var parsed = parseNumber(answer);
      result.answered = answer.trim() !== "";
      result.correct = parsed !== null && question.ranges.some(function (range) {
        return parsed >= range[0] && parsed <= range[1];
      });
    }
    return result;
  };

  // The score over auto-scored questions only: an essay waits for a person.
  Quiz.prototype.evaluate = function () {
    var quiz = this;
    var answers = this.answers();
    var questions = this.key.questions.map(function (question) {
      return quiz.evaluateQuestion(question, answers[question.id]);
    });
    var earned = 0;
    var possible = 0;
    questions.forEach(function (result) {
      if (result.correct === null) { return; }
      possible += result.points;
      if (result.correct) { earned += result.points; }
    });
    var percent = possible > 0 ? Math.round((earned / possible) * 10000) / 100 : null;
    var mastery = this.key.mastery;
    return {
      questions: questions,
      earned: earned,
      possible: possible,
      percent: percent,
      scored: possible > 0,
      mastery: mastery,
      passed: percent === null || mastery === null ? null : percent >= mastery
    };
  };

  Quiz.prototype.setMastery = function (mastery) {
    this.key.mastery = mastery;
  };

  // Graded attempts (the SCORM runtime knows how many were used in earlier sessions).
  Quiz.prototype.setAttempts = function (allowed, used) {
    this.graded = true;
    this.attempts = { allowed: allowed || 0, used: used || 0 };
    this.updateReview();
  };

  Quiz.prototype.attemptsLeft = function () {
    return this.attempts.allowed ? Math.max(this.attempts.allowed - this.attempts.used, 0) : null;
  };

  Quiz.prototype.isLastAttempt = function () {
    return this.graded && this.attemptsLeft() === 1;
  };

  // --- before submitting: the review and the last attempt's confirmation ----------------
  function questionLink(fieldset, text) {
    var link = element("a", null, text);
    link.href = "#" + fieldset.id;
    return link;
  }

  Quiz.prototype.updateReview = function () {
    if (!this.review || this.disabled) { return; }
    var quiz = this;
    var outcome = this.evaluate();
    var unanswered = outcome.questions.filter(function (result) { return !result.answered; });
    var total = outcome.questions.length;
    var box = this.review;
    box.textContent = "";
    box.appendChild(element("p", "review-count", tn("answered", total, {
      answered: total - unanswered.length, total: total })));
    if (unanswered.length) {
      var line = element("p", "review-missing", t("notAnsweredYet") + " ");
      unanswered.forEach(function (result, index) {
        var fieldset = quiz.fieldset(result.id);
        var position = quiz.key.questions.map(function (q) { return q.id; }).indexOf(result.id) + 1;
        if (index) { line.appendChild(document.createTextNode(t("listSeparator"))); }
        line.appendChild(questionLink(fieldset, t("questionNumber", { number: position })));
      });
      box.appendChild(line);
    }
    if (this.graded && this.attempts.allowed && this.attemptsLeft() > 0) {
      if (this.isLastAttempt()) {
        box.appendChild(element("p", "review-warning", t("lastAttempt")));
      } else {
        box.appendChild(element("p", "review-attempt", t("attemptOf", {
          attempt: this.attempts.used + 1, allowed: this.attempts.allowed })));
      }
    }
  };

  Quiz.prototype.request = function () {
    if (this.disabled) { return; }
    if (this.isLastAttempt() && this.confirmBox) {
      this.showConfirm();
      return;
    }
    this.submit();
  };

  Quiz.prototype.showConfirm = function () {
    this.confirmBox.querySelector("[data-confirm-text]").textContent = t("confirmLast");
    this.confirmBox.hidden = false;
    this.confirmBox.querySelector("[data-confirm-text]").focus();
  };

  Quiz.prototype.hideConfirm = function () {
    if (this.confirmBox) { this.confirmBox.hidden = true; }
  };

  // --- after submitting: feedback under each question, and the summary -----------------
  function appendTemplate(container, template) {
    if (template) {
      container.appendChild(template.content.cloneNode(true));
    }
  }

  function choiceText(fieldset, choiceId) {
    var input = fieldset.querySelector('input[value="' + choiceId + '"]');
    var label = input && fieldset.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : choiceId;
  }

  Quiz.prototype.rightAnswer = function (question, fieldset) {
    if (question.choices) {
      var right = question.choices.filter(function (c) { return c.correct; }).map(function (c) {
        return quoted(choiceText(fieldset, c.id));
      });
      return right.length ? tn("rightAnswer", right.length, { answers: right.join(t("listSeparator")) }) : null;
    }
    if (question.shown) {
      return t("acceptedAnswer", { answer: quoted(question.shown) });
    }
    if (question.ranges && question.ranges.length) {
      var ranges = question.ranges.map(function (range) {
        return range[0] === range[1] ? number(range[0])
          : t("numericRange", { minimum: number(range[0]), maximum: number(range[1]) });
      });
      return tn("rightAnswer", ranges.length, { answers: ranges.join(t("listSeparator")) });
    }
    return null;
  };

  Quiz.prototype.questionFeedback = function (result, question) {
    var fieldset = this.fieldset(result.id);
    var box = fieldset.querySelector("[data-feedback]");
    fieldset.classList.remove("is-correct", "is-wrong", "is-unanswered");
    fieldset.querySelectorAll(".choice").forEach(function (choice) {
      choice.classList.remove("is-chosen", "is-right");
    });
    box.textContent = "";
    var message;
    if (result.correct === null) {
      message = result.answered ? t("essayRecorded") : t("essayUnanswered");
    } else if (!result.answered) {
      message = t("unanswered");
    } else {
      message = result.correct ? t("correct") : t("wrong");
    }
    if (result.correct !== null) {
      fieldset.classList.add(!result.answered ? "is-unanswered" : (result.correct ? "is-correct" : "is-wrong"));
    }
    box.appendChild(element("p", "result", message));
    var explained = false;
    if (Array.isArray(result.answer)) {
      result.answer.forEach(function (choiceId) {
        var template = fieldset.querySelector('[data-choice-feedback="' + choiceId + '"]');
        var choice = fieldset.querySelector('[data-choice="' + choiceId + '"]');
        if (choice) { choice.classList.add("is-chosen"); }
        if (template) {
          var item = element("div", "choice-feedback");
          item.appendChild(element("p", "choice-feedback-label", t("yourChoice", {
            choice: quoted(choiceText(fieldset, choiceId)) })));
          appendTemplate(item, template);
          box.appendChild(item);
          explained = true;
        }
      });
      if (result.correct === false) {
        question.choices.forEach(function (c) {
          var choice = fieldset.querySelector('[data-choice="' + c.id + '"]');
          if (c.correct && choice) { choice.classList.add("is-right"); }
        });
      }
    }
    // A wrong answer teaches: the chosen choice's own feedback, else the right answer.
    if (result.correct === false && !explained) {
      var right = this.rightAnswer(question, fieldset);
      if (right) { box.appendChild(element("p", "right-answer", right)); }
    }
    appendTemplate(box, fieldset.querySelector("[data-general-feedback]"));
  };

  Quiz.prototype.showFeedback = function (outcome) {
    var quiz = this;
    outcome.questions.forEach(function (result, index) {
      quiz.questionFeedback(result, quiz.key.questions[index]);
    });
    var summary = this.summary;
    summary.textContent = "";
    summary.appendChild(element("h3", "summary-heading", t("resultsHeading")));
    if (!outcome.scored) {
      summary.appendChild(element("p", "summary-score", t("notScored")));
    } else {
      summary.appendChild(element("p", "summary-score", tn("score", outcome.possible, {
        earned: number(outcome.earned), possible: number(outcome.possible), percent: number(outcome.percent) })));
      if (outcome.passed === true) {
        summary.appendChild(element("p", "summary-pass is-passed", t("passed", { mastery: number(outcome.mastery) })));
      } else if (outcome.passed === false) {
        summary.appendChild(element("p", "summary-pass is-failed", t("notPassed", { mastery: number(outcome.mastery) })));
      }
    }
    var attempts = this.attemptText();
    if (attempts) { summary.appendChild(element("p", "summary-attempts", attempts)); }
    summary.appendChild(element("p", "summary-lead", t("feedbackBelow")));
    var list = element("ul", "summary-questions");
    outcome.questions.forEach(function (result, index) {
      var key = result.correct === null ? (result.answered ? "questionRecorded" : "questionUnanswered")
        : (!result.answered ? "questionUnanswered" : (result.correct ? "questionCorrect" : "questionWrong"));
      var item = element("li", "summary-" + key);
      item.appendChild(questionLink(quiz.fieldset(result.id), t(key, { number: index + 1 })));
      list.appendChild(item);
    });
    summary.appendChild(list);
  };

  Quiz.prototype.attemptText = function () {
    if (!this.graded) { return t("selfCheck"); }
    var left = this.attemptsLeft();
    if (left === null || !this.submitted) { return null; }
    if (left === 0) { return t("finalResult"); }
    var text = tn("attemptsLeft", left, { count: left });
    return left === 1 ? text + " " + t("nextIsLast") : text;
  };

  Quiz.prototype.submit = function () {
    if (this.disabled) { return null; }
    var outcome = this.evaluate();
    this.submitted = true;
    if (this.graded) { this.attempts.used += 1; }
    this.showFeedback(outcome);
    this.updateReview();
    this.emit("submit", outcome);
    if (this.graded && this.attemptsLeft() === 0) { this.disable(null); }
    this.summary.focus();
    return outcome;
  };

  // Disabling the focused control would drop focus to <body>: it goes to the summary.
  Quiz.prototype.disable = function (reason) {
    var hadFocus = this.form.contains(document.activeElement) && document.activeElement !== this.summary;
    this.hideConfirm();
    this.form.querySelectorAll("input, textarea, button").forEach(function (control) {
      control.disabled = true;
    });
    this.disabled = true;
    if (this.review) { this.review.textContent = ""; }
    if (reason) {
      this.summary.appendChild(element("p", "summary-attempts", reason));
    }
    if (hadFocus) { this.summary.focus(); }
  };

  var quizzes = [];
  document.querySelectorAll("form[data-quiz-key]").forEach(function (form) {
    var source = document.getElementById(form.getAttribute("data-quiz-key"));
    quizzes.push(new Quiz(form, JSON.parse(source.textContent)));
  });

  window.IleadQuiz = {
    quizzes: quizzes,
    current: quizzes.length ? quizzes[0] : null,
    parseNumber: parseNumber,
    t: t,
    tn: tn
  };
}());
