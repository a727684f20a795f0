/* Self-check quizzes: scores an iLead quiz form in the browser, without a server.
 *
 * The answer key is the JSON in the <script type="application/json"> element named by the
 * form's data-quiz-key.  Other scripts (the SCORM runtime) use window.IleadQuiz: read and
 * restore answers, and listen for "change" and "submit" results. */
(function () {
  "use strict";

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

  function Quiz(form, key) {
    this.form = form;
    this.key = key;
    this.listeners = { change: [], submit: [] };
    this.submitted = false;
    var quiz = this;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      quiz.submit();
    });
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("[data-question]");
      quiz.emit("change", fieldset ? fieldset.getAttribute("data-question") : null);
    });
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
      var number = parseNumber(answer);
      result.answered = answer.trim() !== "";
      result.correct = number !== null && question.ranges.some(function (range) {
        return number >= range[0] && number <= range[1];
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

  function appendTemplate(container, template) {
    if (template) {
      container.appendChild(template.content.cloneNode(true));
    }
  }

  function paragraph(text, className) {
    var element = document.createElement("p");
    element.textContent = text;
    if (className) { element.className = className; }
    return element;
  }

  Quiz.prototype.showFeedback = function (outcome) {
    var quiz = this;
    outcome.questions.forEach(function (result) {
      var fieldset = quiz.fieldset(result.id);
      var box = fieldset.querySelector("[data-feedback]");
      fieldset.classList.remove("is-correct", "is-wrong");
      box.textContent = "";
      var message;
      if (result.correct === null) {
        message = result.answered ? "Answer recorded. This question is not scored automatically."
          : "Not answered. This question is not scored automatically.";
      } else if (!result.answered) {
        message = "Not answered.";
      } else {
        message = result.correct ? "Correct." : "Not correct.";
      }
      if (result.correct !== null) {
        fieldset.classList.add(result.correct ? "is-correct" : "is-wrong");
      }
      box.appendChild(paragraph(message, "result"));
      if (Array.isArray(result.answer)) {
        result.answer.forEach(function (choiceId) {
          appendTemplate(box, fieldset.querySelector('[data-choice-feedback="' + choiceId + '"]'));
        });
      }
      appendTemplate(box, fieldset.querySelector("[data-general-feedback]"));
    });
    var summary = this.form.querySelector("[data-summary]");
    var text;
    if (!outcome.scored) {
      text = "These questions are not scored automatically. Feedback is shown under each question.";
    } else {
      text = "Score: " + outcome.earned + " of " + outcome.possible + " points (" + outcome.percent + "%).";
      if (outcome.passed === true) {
        text += " Passed.";
      } else if (outcome.passed === false) {
        text += " Not passed yet: " + outcome.mastery + "% is needed.";
      }
      text += " Feedback is shown under each question.";
    }
    summary.textContent = text;
  };

  Quiz.prototype.submit = function () {
    var outcome = this.evaluate();
    this.submitted = true;
    this.showFeedback(outcome);
    this.emit("submit", outcome);
    return outcome;
  };

  Quiz.prototype.disable = function (reason) {
    this.form.querySelectorAll("input, textarea, button").forEach(function (control) {
      control.disabled = true;
    });
    if (reason) {
      this.form.querySelector("[data-summary]").textContent = reason;
    }
  };

  var quizzes = [];
  document.querySelectorAll("form[data-quiz-key]").forEach(function (form) {
    var source = document.getElementById(form.getAttribute("data-quiz-key"));
    quizzes.push(new Quiz(form, JSON.parse(source.textContent)));
  });

  window.IleadQuiz = {
    quizzes: quizzes,
    current: quizzes.length ? quizzes[0] : null,
    parseNumber: parseNumber
  };
}());
