<?php
// Answer one quiz as a new learner, through Moodle's own quiz API (quiz_attempt and the question
// engine), and print what Moodle graded: the attempt's marks, the quiz grade, the gradebook grade
// and the activity's completion state.
//
//   php attempt_quiz.php --moodle=MOODLE_ROOT --cmid=N --responses=FILE.json [--manual='{"8": 4}']
//
// FILE.json maps each slot to the response a learner's form would post, in the question
// engine's "simulated" form: {"1": {"answer": "choice text"}, "2": {"choice A": 1, "choice B": 1},
// "3": {"answer": 0}, "4": {"answer": "ALA"}, "5": {"answer": "400"}, "6": {"answer": "text", "answerformat": 1}}.
//
// --manual gives the marks a teacher awards to questions graded by hand (essays), as the quiz's
// "Make comment or override mark" page does, before the grade is read.
//
// Adds one user (enrolled as a student in the quiz's course) and one finished attempt; changes no setting.

define('CLI_SCRIPT', true);
$opts = getopt('', ['moodle:', 'cmid:', 'responses:', 'manual::']);
if (empty($opts['moodle']) || empty($opts['cmid']) || empty($opts['responses'])) {
    fwrite(STDERR, "usage: php attempt_quiz.php --moodle=MOODLE_ROOT --cmid=N --responses=FILE.json\n");
    exit(2);
}
ob_start();
require(rtrim($opts['moodle'], '/') . '/config.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->libdir . '/completionlib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/enrollib.php');

$responses = json_decode(file_get_contents($opts['responses']), true, 512, JSON_THROW_ON_ERROR);
$cm = get_coursemodule_from_id('quiz', (int)$opts['cmid'], 0, false, MUST_EXIST);
$course = get_course($cm->course);

// A learner of our own, enrolled the way a teacher would (manual enrolment, student role).
$username = 'ilead_mbz_' . $cm->id . '_' . substr(md5(uniqid('', true)), 0, 8);
$userid = user_create_user((object)['username' => $username, 'password' => 'Learner-1-password', 'firstname' => 'Quiz',
    'lastname' => 'Learner', 'email' => $username . '@example.invalid', 'auth' => 'manual', 'confirmed' => 1,
    'mnethostid' => $CFG->mnet_localhost_id], false, false);
$student = $DB->get_record('role', ['shortname' => 'student'], '*', MUST_EXIST);
$manual = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
$manual->enrol_user($instance, $userid, $student->id);
\core\session\manager::set_user(core_user::get_user($userid));

$quizobj = \mod_quiz\quiz_settings::create($cm->instance, $userid);
$quba = question_engine::make_questions_usage_by_activity('mod_quiz', $quizobj->get_context());
$quba->set_preferred_behaviour($quizobj->get_quiz()->preferredbehaviour);
$now = time();
$attempt = quiz_create_attempt($quizobj, 1, null, $now, false, $userid);
quiz_start_new_attempt($quizobj, $quba, $attempt, 1, $now);
quiz_attempt_save_started($quizobj, $quba, $attempt);

$attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
$simulated = [];
foreach ($responses as $slot => $response) {
    $simulated[(int)$slot] = $response;
}
// The question engine turns each response into the fields the attempt form would post.
$postdata = question_engine::load_questions_usage_by_activity($attempt->uniqueid)->prepare_simulated_post_data($simulated);
$attemptobj->process_submitted_actions($now, false, $postdata);
$attemptobj->process_submit($now, false);
$attemptobj->process_grade_submission($now);

if (!empty($opts['manual'])) {
    $quba = question_engine::load_questions_usage_by_activity($attempt->uniqueid);
    foreach (json_decode($opts['manual'], true, 512, JSON_THROW_ON_ERROR) as $slot => $mark) {
        $quba->manual_grade((int)$slot, 'Marked by the test', (float)$mark, FORMAT_HTML);
    }
    question_engine::save_questions_usage_by_activity($quba);
    $DB->set_field('quiz_attempts', 'sumgrades', $quba->get_total_mark(), ['id' => $attempt->id]);
    $quizobj->get_grade_calculator()->recompute_final_grade($userid);
}

$attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
$quba = question_engine::load_questions_usage_by_activity($attempt->uniqueid);
$slots = [];
foreach ($attemptobj->get_slots() as $slot) {
    $qa = $quba->get_question_attempt($slot);
    $slots[$slot] = ['mark' => $qa->get_mark(), 'maxmark' => (float)$qa->get_max_mark(),
        'state' => (string)$qa->get_state(), 'response' => $qa->get_response_summary(),
        'right' => $qa->get_right_answer_summary()];
}
$gradeinfo = grade_get_grades($course->id, 'mod', 'quiz', $cm->instance, $userid);
$gradeitem = $gradeinfo->items[0] ?? null;
$completion = new completion_info($course);
$data = $completion->get_data(cm_info::create($cm), false, $userid);

$printed = ob_get_clean();
echo json_encode([
    'attempt' => (int)$attempt->id, 'state' => $attemptobj->get_state(),
    'sumgrades' => $attemptobj->get_sum_marks(), 'quiz_sumgrades' => (float)$quizobj->get_quiz()->sumgrades,
    'quiz_grade' => quiz_rescale_grade($attemptobj->get_sum_marks(), $quizobj->get_quiz(), false),
    'quiz_maxgrade' => (float)$quizobj->get_quiz()->grade,
    'gradebook' => $gradeitem ? ['grade' => $gradeitem->grades[$userid]->grade === null ? null
        : (float)$gradeitem->grades[$userid]->grade, 'grademax' => (float)$gradeitem->grademax,
        'gradepass' => (float)$gradeitem->gradepass] : null,
    'completionstate' => (int)$data->completionstate,
    'slots' => $slots, 'printed' => $printed,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
