"""The strings the page scripts show (quiz.js, the SCORM run-time), in the page's language.

A script cannot call gettext, so each page that runs one carries these strings, already
translated, as JSON (``<script type="application/json" id="ilead-strings">``).  Messages
with a count carry every plural form and the catalogue's plural rule, so the script picks
the right form for any number.  Placeholders are ``%(name)s``, filled in by the script.
"""

from __future__ import annotations

import gettext

from .i18n import plural_forms, plural_rule


def N_(message: str) -> str:  # noqa: N802 - the gettext marker Babel extracts
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - a plural message, extracted as one
    return singular, plural


# key -> message (one form) or (singular, plural)
MESSAGES: dict[str, str | tuple[str, str]] = {
    # quiz.js: per-question feedback
    "correct": N_("Correct."),
    "wrong": N_("Not correct."),
    "unanswered": N_("Not answered."),
    "essayRecorded": N_("Answer recorded. This question is not scored automatically."),
    "essayUnanswered": N_("Not answered. This question is not scored automatically."),
    "yourChoice": N_("You chose %(choice)s:"),
    "rightAnswer": NP_("The right answer: %(answers)s.", "The right answers: %(answers)s."),
    "acceptedAnswer": N_("An accepted answer: %(answer)s."),
    "numericRange": N_("any number from %(minimum)s to %(maximum)s"),
    "quoted": N_("“%(text)s”"),
    "listSeparator": N_("; "),
    # quiz.js: the results summary, which takes focus after a submission
    "resultsHeading": N_("Your results"),
    "score": NP_("Score: %(earned)s of %(possible)s point (%(percent)s%%).",
                 "Score: %(earned)s of %(possible)s points (%(percent)s%%)."),
    "passed": N_("Passed: the pass mark is %(mastery)s%%."),
    "notPassed": N_("Not passed yet: %(mastery)s%% is needed."),
    "notScored": N_("These questions are not scored automatically."),
    "feedbackBelow": N_("Feedback is shown under each question:"),
    "questionCorrect": N_("Question %(number)s: correct"),
    "questionWrong": N_("Question %(number)s: not correct"),
    "questionUnanswered": N_("Question %(number)s: not answered"),
    "questionRecorded": N_("Question %(number)s: answer recorded"),
    "selfCheck": N_("This self-check is not recorded: check your answers as often as you like."),
    "attemptsLeft": NP_("You have %(count)s attempt left.", "You have %(count)s attempts left."),
    "nextIsLast": N_("Your next submission is your last attempt: its result will be final."),
    "finalResult": N_("That was your last attempt: this result is final."),
    "noAttempts": N_("No attempts left: your last result is recorded."),
    # quiz.js: the review shown before submitting, and the last attempt's confirmation
    "answered": NP_("You have answered %(answered)s of %(total)s question.",
                    "You have answered %(answered)s of %(total)s questions."),
    "notAnsweredYet": N_("Not answered yet:"),
    "questionNumber": N_("Question %(number)s"),
    "attemptOf": N_("This is attempt %(attempt)s of %(allowed)s."),
    "lastAttempt": N_("This is your last attempt: once you submit, the result is final."),
    "confirmLast": N_("This is your last attempt. Submit it for a final result?"),
    "confirmYes": N_("Yes, submit my last attempt"),
    "confirmNo": N_("Not yet: back to my answers"),
    # search.js: the preview's search page
    "searchFound": NP_("%(count)s page found for %(query)s.", "%(count)s pages found for %(query)s."),
    "searchNone": N_("No page matches %(query)s. Try another word or a shorter one."),
    "searchEmpty": N_("Type a word to search every page of the course."),
    "searchModule": N_("In %(module)s"),
    # the SCORM run-time's status line
    "saved": N_("Your result is saved."),
    "notSaved": N_("Your result could not be saved: the learning platform did not answer."),
    "notConnected": N_("Not connected to a learning platform: nothing on this page is recorded."),
    "savedAsYouGo": N_("Your answers are saved as you go. Submit them to record a result."),
    "viewed": N_("This page is marked as viewed."),
    "finished": N_("Saved. You can close this page or go on in the course outline."),
}


def script_strings(catalogue: gettext.NullTranslations) -> dict:
    """Every script message translated by ``catalogue``, with the plural rule they need."""
    count, expression = plural_rule(catalogue)
    messages: dict[str, str | list[str]] = {}
    for key, message in MESSAGES.items():
        if isinstance(message, tuple):
            messages[key] = plural_forms(catalogue, *message)
        else:
            messages[key] = catalogue.gettext(message)
    return {"plural": expression, "forms": count, "messages": messages}
