<?php
// Dev tool, not a test: build a course in a local Moodle 5.1 with the features the mbz target
// writes (named sections, a page with an image, a hidden page, a file, a URL, an ungraded and a
// graded forum, a quiz with every question type of the source, an assignment with a rubric,
// weighted grade categories, a course pass mark, completion settings), then back it up with
// Moodle's own backup_controller, so that the real format can be studied.
//
//   php tests/moodle_php/make_reference_backup.php --moodle=/tmp/moodle-eval/moodle --out=/tmp/ref.mbz
//
// Prints the new course id and the backup path.  Adds one course to the site; changes no setting.

define('CLI_SCRIPT', true);
$opts = getopt('', ['moodle:', 'out:']);
require(rtrim($opts['moodle'], '/') . '/config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/course/modlib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . '/question/format/gift/format.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->dirroot . '/grade/grading/lib.php');
require_once($CFG->dirroot . '/backup/util/includes/backup_includes.php');

\core\session\manager::set_user(get_admin());
set_exception_handler(function ($e) { fwrite(STDERR, get_class($e) . ": " . $e->getMessage() . " " . ($e->debuginfo ?? "") . "\n" . $e->getTraceAsString() . "\n"); exit(1); });

$start = make_timestamp(2027, 1, 11);
$course = create_course((object)[
    'category' => 1, 'fullname' => 'Reference course ' . date('His'), 'shortname' => 'REF-' . time(),
    'summary' => '<p>The course summary.</p>', 'summaryformat' => FORMAT_HTML, 'format' => 'topics',
    'numsections' => 2, 'startdate' => $start, 'enablecompletion' => 1, 'lang' => 'en',
]);
course_update_section($course, $DB->get_record('course_sections', ['course' => $course->id, 'section' => 1]),
    ['name' => 'First module', 'summary' => '<p>First overview.</p>', 'summaryformat' => FORMAT_HTML]);
course_update_section($course, $DB->get_record('course_sections', ['course' => $course->id, 'section' => 2]),
    ['name' => 'Second module', 'summary' => '<p>Second overview.</p>', 'summaryformat' => FORMAT_HTML]);

function ref_module(stdClass $course, string $mod, int $section, array $fields): stdClass {
    $info = (object)array_merge([
        'modulename' => $mod, 'course' => $course->id, 'section' => $section, 'visible' => 1,
        'introeditor' => ['text' => "<p>Intro of $mod</p>", 'format' => FORMAT_HTML, 'itemid' => 0],
        'showdescription' => 0, 'cmidnumber' => '', 'groupmode' => 0, 'groupingid' => 0,
        'completion' => COMPLETION_TRACKING_AUTOMATIC, 'completionview' => 1, 'completionexpected' => 0,
    ], $fields);
    return create_module($info);
}

// Categories: course aggregation is weighted mean; two sub-categories with weights 40 and 60.
$top = grade_category::fetch_course_category($course->id);
$top->aggregation = GRADE_AGGREGATE_WEIGHTED_MEAN;
$top->update();
$cats = [];
foreach (['Discussions' => 40, 'Knowledge checks' => 60] as $name => $weight) {
    $cat = new grade_category(['courseid' => $course->id, 'fullname' => $name, 'aggregation' => GRADE_AGGREGATE_SUM], false);
    $cat->insert();
    $item = $cat->load_grade_item();
    $item->aggregationcoef = $weight;
    $item->update();
    $cats[$name] = $cat;
}
$courseitem = grade_item::fetch_course_item($course->id);
$courseitem->gradepass = 70;
$courseitem->update();

// A page whose content embeds an image from its own file area.
$draft = file_get_unused_draft_itemid();
$fs = get_file_storage();
$usercontext = context_user::instance($USER->id);
$fs->create_file_from_string(['contextid' => $usercontext->id, 'component' => 'user', 'filearea' => 'draft',
    'itemid' => $draft, 'filepath' => '/', 'filename' => 'a map.png'], base64_decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='));
$page = ref_module($course, 'page', 1, ['name' => 'A page', 'display' => 5, 'printintro' => 0, 'printlastmodified' => 1,
    'content' => '<p>Body <img src="@@PLUGINFILE@@/a%20map.png" alt="map"></p>', 'contentformat' => FORMAT_HTML]);
// page_add_instance saves the editor's files only when called from the form; do what it would.
file_save_draft_area_files($draft, context_module::instance($page->coursemodule)->id, 'mod_page', 'content', 0);
ref_module($course, 'page', 1, ['name' => 'Hidden page', 'visible' => 0, 'display' => 5, 'printintro' => 0,
    'printlastmodified' => 1, 'content' => '<p>Hidden</p>', 'contentformat' => FORMAT_HTML]);
ref_module($course, 'url', 1, ['name' => 'A URL', 'externalurl' => 'https://example.org/x', 'display' => 0]);

$draft = file_get_unused_draft_itemid();
$fs->create_file_from_string(['contextid' => $usercontext->id, 'component' => 'user', 'filearea' => 'draft',
    'itemid' => $draft, 'filepath' => '/', 'filename' => 'syllabus.txt'], "The syllabus\n");
ref_module($course, 'resource', 1, ['name' => 'A file', 'files' => $draft, 'display' => 0, 'printintro' => 1]);

ref_module($course, 'forum', 1, ['name' => 'Open forum', 'type' => 'general', 'grade_forum' => 0, 'completionview' => 0,
    'completionpostsenabled' => 1, 'completionposts' => 1]);
ref_module($course, 'forum', 1, ['name' => 'Graded forum', 'type' => 'single', 'grade_forum' => 5,
    'gradecat_forum' => $cats['Discussions']->id, 'completionview' => 0, 'completionpostsenabled' => 1, 'completionposts' => 1,
    'completionusegrade' => 0]);

// The quiz and its questions (imported from GIFT into the quiz's own question bank).
$quizfields = [
    'name' => 'A quiz', 'quizpassword' => '', 'timeopen' => 0, 'timeclose' => 0, 'timelimit' => 0,
    'overduehandling' => 'autosubmit', 'graceperiod' => 0, 'preferredbehaviour' => 'deferredfeedback',
    'canredoquestions' => 0, 'attempts' => 3, 'attemptonlast' => 0, 'grademethod' => QUIZ_GRADEHIGHEST,
    'decimalpoints' => 2, 'questiondecimalpoints' => -1, 'questionsperpage' => 1, 'navmethod' => 'free',
    'shuffleanswers' => 1, 'sumgrades' => 0, 'grade' => 10, 'gradepass' => 7, 'browsersecurity' => '-',
    'attemptimmediately' => 1, 'correctnessimmediately' => 1, 'maxmarksimmediately' => 1, 'marksimmediately' => 1,
    'specificfeedbackimmediately' => 1, 'generalfeedbackimmediately' => 1, 'rightanswerimmediately' => 1,
    'overallfeedbackimmediately' => 1, 'attemptclosed' => 1, 'correctnessclosed' => 1, 'maxmarksclosed' => 1,
    'marksclosed' => 1, 'specificfeedbackclosed' => 1, 'generalfeedbackclosed' => 1, 'rightanswerclosed' => 1,
    'overallfeedbackclosed' => 1, 'gradecat' => $cats['Knowledge checks']->id, 'completionview' => 0,
    'completionusegrade' => 1, 'completionpassgrade' => 1, 'showuserpicture' => 0, 'showblocks' => 0,
    'subnet' => '', 'delay1' => 0, 'delay2' => 0, 'allowofflineattempts' => 0,
];
$quizcm = ref_module($course, 'quiz', 2, $quizfields);
$quiz = $DB->get_record('quiz', ['id' => $quizcm->instance]);
$quiz->cmid = $quizcm->coursemodule;
$quizcontext = context_module::instance($quizcm->coursemodule);
$category = question_get_default_category($quizcontext->id, true);
$gift = <<<'GIFT'
::Equity and equality::Which statement describes <b>equity</b>?{
 ~Giving every patron the same service#Not quite.
 =Taking difference into account#Yes.
 ~Counting groups#No.
 ####Equity is about fair outcomes.}

::Inclusive practices::Which make a service more inclusive?{
 ~%50%Materials in community languages#Yes.
 ~%50%Events at suitable times
 ~%-100%Requiring a photo ID#No.
 ~%-100%Closing on weekends
 ####Inclusion removes barriers.}

::Equity is equality::Equity and equality mean the same thing.{FALSE#They differ.#Right.####General TF.}

::Accrediting body::Which association?{=ALA =American Library Association ####The ALA.}

::Service population::How many over 65?{#400:10 ####About 400.}

::Two ranges::Between 1 and 5 or 10 and 20{#=3:2 =15:5}

::Reflect::Describe one barrier.{####A strong answer names the barrier.}
GIFT;
$giftfile = make_request_directory() . '/q.gift';
file_put_contents($giftfile, $gift);
$format = new qformat_gift();
$format->setCategory($category);
$format->setContexts((new core_question\local\bank\question_edit_contexts($quizcontext))->all());
$format->setCourse($course);
$format->setFilename($giftfile);
$format->setRealfilename('q.gift');
$format->setMatchgrades('error');
$format->setCatfromfile(false);
$format->setContextfromfile(false);
$format->setStoponerror(true);
$format->set_display_progress(false);
if (!$format->importpreprocess() || !$format->importprocess() || !$format->importpostprocess()) {
    throw new moodle_exception('GIFT import failed');
}
$ids = $DB->get_fieldset_sql("SELECT q.id FROM {question} q JOIN {question_versions} qv ON qv.questionid = q.id
    JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid WHERE qbe.questioncategoryid = ? ORDER BY q.id",
    [$category->id]);
foreach ($ids as $i => $qid) {
    quiz_add_quiz_question($qid, $quiz, 0, $i === 1 ? 3 : 2);
}
\mod_quiz\quiz_settings::create($quiz->id)->get_grade_calculator()->recompute_quiz_sumgrades();

// The assignment and its rubric.
$assigncm = ref_module($course, 'assign', 2, [
    'name' => 'An assignment', 'alwaysshowdescription' => 1, 'submissiondrafts' => 0, 'requiresubmissionstatement' => 0,
    'sendnotifications' => 0, 'sendlatenotifications' => 0, 'duedate' => $start + 14 * 86400 - 60,
    'cutoffdate' => 0, 'gradingduedate' => 0, 'allowsubmissionsfromdate' => 0, 'grade' => 20,
    'teamsubmission' => 0, 'requireallteammemberssubmit' => 0, 'blindmarking' => 0, 'markingworkflow' => 0,
    'markingallocation' => 0, 'assignsubmission_onlinetext_enabled' => 1, 'assignsubmission_file_enabled' => 1,
    'assignsubmission_file_maxfiles' => 5, 'assignsubmission_file_maxsizebytes' => 0,
    'assignfeedback_comments_enabled' => 1, 'completionview' => 0, 'completionsubmit' => 1,
    'advancedgradingmethod_submissions' => 'rubric',
]);
$assigncontext = context_module::instance($assigncm->coursemodule);
$manager = get_grading_manager($assigncontext, 'mod_assign', 'submissions');
$manager->set_active_method('rubric');
$controller = $manager->get_controller('rubric');
$controller->update_definition((object)[
    'name' => 'An assignment rubric', 'description_editor' => ['text' => '', 'format' => FORMAT_HTML],
    'status' => gradingform_controller::DEFINITION_STATUS_READY,
    'rubric' => ['criteria' => [
        'NEWID1' => ['description' => 'Analysis', 'sortorder' => 1, 'levels' => [
            'NEWID1' => ['definition' => 'Missing', 'score' => 0],
            'NEWID2' => ['definition' => 'Names barriers with evidence.', 'score' => 8]]],
        'NEWID2' => ['description' => 'Writing', 'sortorder' => 2, 'levels' => [
            'NEWID1' => ['definition' => 'Unclear', 'score' => 0],
            'NEWID2' => ['definition' => 'Clear', 'score' => 12]]],
    ], 'options' => ['sortlevelsasc' => 1, 'lockzeropoints' => 1, 'alwaysshowdefinition' => 1, 'showdescriptionteacher' => 1,
        'showdescriptionstudent' => 1, 'showscoreteacher' => 1, 'showscorestudent' => 1, 'enableremarks' => 1,
        'showremarksstudent' => 1]],
]);
$item = grade_item::fetch(['courseid' => $course->id, 'itemtype' => 'mod', 'itemmodule' => 'assign',
    'iteminstance' => $assigncm->instance]);
$item->set_parent($cats['Knowledge checks']->id);

// A shared question bank (mod_qbank) with one question whose text embeds an image, used by a
// second quiz: the shape of "the course's question bank" in Moodle 5.
$bank = core_question\local\bank\question_bank_helper::create_default_open_instance($course, 'Course bank');
$bankcontext = context_module::instance($bank->id);
$bankcat = question_get_default_category($bankcontext->id, true);
$format = new qformat_gift();
$format->setCategory($bankcat);
$format->setContexts((new core_question\local\bank\question_edit_contexts($bankcontext))->all());
$format->setCourse($course);
file_put_contents($giftfile, "::Shared::A shared question{T}\n");
$format->setFilename($giftfile);
$format->setRealfilename('q.gift');
$format->setMatchgrades('error');
$format->setCatfromfile(false);
$format->setContextfromfile(false);
$format->setStoponerror(true);
$format->set_display_progress(false);
$format->importpreprocess(); $format->importprocess(); $format->importpostprocess();
$shared = $DB->get_record_sql("SELECT q.* FROM {question} q JOIN {question_versions} qv ON qv.questionid = q.id
    JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid WHERE qbe.questioncategoryid = ?", [$bankcat->id]);
$fs->create_file_from_string(['contextid' => $bankcontext->id, 'component' => 'question', 'filearea' => 'questiontext',
    'itemid' => $shared->id, 'filepath' => '/', 'filename' => 'q img.png'], 'fakepng');
$DB->set_field('question', 'questiontext', 'A shared <img src="@@PLUGINFILE@@/q%20img.png" alt="x">', ['id' => $shared->id]);
$DB->set_field('question', 'questiontextformat', FORMAT_HTML, ['id' => $shared->id]);
$quiz2cm = ref_module($course, 'quiz', 2, array_merge($quizfields, ['name' => 'Second quiz', 'gradepass' => 0,
    'completionpassgrade' => 0]));
$quiz2 = $DB->get_record('quiz', ['id' => $quiz2cm->instance]);
$quiz2->cmid = $quiz2cm->coursemodule;
quiz_add_quiz_question($shared->id, $quiz2, 0, 4);
\mod_quiz\quiz_settings::create($quiz2->id)->get_grade_calculator()->recompute_quiz_sumgrades();

// A section summary with an image.
$section1 = $DB->get_record('course_sections', ['course' => $course->id, 'section' => 1]);
$fs->create_file_from_string(['contextid' => context_course::instance($course->id)->id, 'component' => 'course',
    'filearea' => 'section', 'itemid' => $section1->id, 'filepath' => '/img/', 'filename' => 'map.png'], 'fakepng2');
$DB->set_field('course_sections', 'summary', '<p>First <img src="@@PLUGINFILE@@/img/map.png" alt="m"></p>', ['id' => $section1->id]);

// Moodle's own backup, as "Backup" in the course would make it (no user data).
$bc = new backup_controller(backup::TYPE_1COURSE, $course->id, backup::FORMAT_MOODLE, backup::INTERACTIVE_NO,
    backup::MODE_GENERAL, $USER->id);
$bc->get_plan()->get_setting('users')->set_value(false);
$bc->execute_plan();
$file = $bc->get_results()['backup_destination'];
$file->copy_content_to($opts['out']);
$bc->destroy();
echo json_encode(['course' => (int)$course->id, 'backup' => $opts['out']]), "\n";
