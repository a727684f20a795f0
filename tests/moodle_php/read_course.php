<?php
// Read one course back from a Moodle site's database, as JSON, for the tests of the mbz target:
// everything a restore must have brought back, read from Moodle's own tables (through its APIs
// where they add meaning: modinfo, the grade tree, the question bank, the rubric controller).
//
//   php read_course.php --moodle=MOODLE_ROOT --course=ID
//
// Read only, except that it first runs, for this course only, the task that cron would run after a
// restore to rebuild the activities' calendar events (due dates): restore queues it, and the test
// site has no cron.

define('CLI_SCRIPT', true);
$opts = getopt('', ['moodle:', 'course:']);
if (empty($opts['moodle']) || empty($opts['course'])) {
    fwrite(STDERR, "usage: php read_course.php --moodle=MOODLE_ROOT --course=ID\n");
    exit(2);
}
ob_start();
require(rtrim($opts['moodle'], '/') . '/config.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->dirroot . '/grade/grading/lib.php');
require_once($CFG->dirroot . '/course/lib.php');

$courseid = (int)$opts['course'];
$course = $DB->get_record('course', ['id' => $courseid], '*', MUST_EXIST);
// mtrace() writes to STDOUT directly; this run's wrapper (in memory, not a site setting) keeps it out of the JSON.
function rc_quiet($string, $eol) {
}
$CFG->mtrace_wrapper = 'rc_quiet';
$refresh = new \core\task\refresh_mod_calendar_events_task();
$refresh->set_custom_data(['courseid' => $courseid]);
$refresh->execute();
$coursecontext = context_course::instance($courseid);

/** Every file of one area: path => [size, mimetype, contenthash]. */
function rc_files(int $contextid, string $component, string $filearea, $itemid = false): array {
    $out = [];
    foreach (get_file_storage()->get_area_files($contextid, $component, $filearea, $itemid, 'filepath, filename', false) as $f) {
        $out[$f->get_filepath() . $f->get_filename()] = ['size' => (int)$f->get_filesize(),
            'mimetype' => $f->get_mimetype(), 'contenthash' => $f->get_contenthash(), 'itemid' => (int)$f->get_itemid(),
            'license' => $f->get_license(), 'author' => $f->get_author()];
    }
    return $out;
}

$result = [
    'course' => [
        'id' => (int)$course->id, 'fullname' => $course->fullname, 'shortname' => $course->shortname,
        'summary' => $course->summary, 'format' => $course->format, 'startdate' => (int)$course->startdate,
        'enddate' => (int)$course->enddate, 'lang' => $course->lang, 'enablecompletion' => (int)$course->enablecompletion,
        'visible' => (int)$course->visible, 'showactivitydates' => (int)$course->showactivitydates,
        'summary_files' => rc_files($coursecontext->id, 'course', 'summary'),
        'enrol_methods' => array_values($DB->get_fieldset_select('enrol', 'enrol', 'courseid = ?', [$courseid])),
    ],
    'sections' => [],
    'activities' => [],
    'grade_categories' => [],
    'grade_items' => [],
    'events' => [],
];

$modinfo = get_fast_modinfo($courseid);
foreach ($modinfo->get_section_info_all() as $section) {
    $result['sections'][] = [
        'number' => (int)$section->section, 'id' => (int)$section->id, 'name' => $section->name,
        'summary' => $section->summary, 'visible' => (int)$section->visible,
        'cmids' => array_map('intval', $modinfo->sections[$section->section] ?? []),
        'files' => rc_files($coursecontext->id, 'course', 'section', $section->id),
    ];
}

$cmsbyinstance = [];
foreach ($modinfo->get_cms() as $cm) {
    $cmsbyinstance[$cm->modname][$cm->instance] = (int)$cm->id;
    $row = $DB->get_record('course_modules', ['id' => $cm->id]);
    $inst = $DB->get_record($cm->modname, ['id' => $cm->instance]);
    $ctx = context_module::instance($cm->id);
    $a = [
        'cmid' => (int)$cm->id, 'modname' => $cm->modname, 'name' => $cm->name, 'section' => (int)$cm->sectionnum,
        'visible' => (int)$row->visible, 'visibleoncoursepage' => (int)$row->visibleoncoursepage,
        'idnumber' => $row->idnumber, 'completion' => (int)$row->completion,
        'completionview' => (int)$row->completionview,
        'completiongradeitemnumber' => $row->completiongradeitemnumber === null ? null : (int)$row->completiongradeitemnumber,
        'completionpassgrade' => (int)$row->completionpassgrade,
        'intro' => $inst->intro ?? null,
        'intro_files' => rc_files($ctx->id, 'mod_' . $cm->modname, 'intro'),
    ];
    switch ($cm->modname) {
        case 'page':
            $a['content'] = $inst->content;
            $a['files'] = rc_files($ctx->id, 'mod_page', 'content');
            break;
        case 'url':
            $a['externalurl'] = $inst->externalurl;
            break;
        case 'resource':
            $a['files'] = rc_files($ctx->id, 'mod_resource', 'content');
            break;
        case 'forum':
            $a['type'] = $inst->type;
            $a['grade_forum'] = (int)$inst->grade_forum;
            $a['completionposts'] = (int)$inst->completionposts;
            $a['discussions'] = array_values(array_map(fn($d) => $d->name,
                $DB->get_records('forum_discussions', ['forum' => $inst->id], 'id')));
            $first = $DB->get_records_sql('SELECT p.message FROM {forum_posts} p JOIN {forum_discussions} d
                ON d.firstpost = p.id WHERE d.forum = ? ORDER BY d.id', [$inst->id]);
            $a['first_posts'] = array_values(array_map(fn($p) => $p->message, $first));
            break;
        case 'assign':
            foreach (['duedate', 'grade', 'completionsubmit', 'allowsubmissionsfromdate', 'cutoffdate', 'maxattempts',
                      'alwaysshowdescription'] as $f) {
                $a[$f] = (int)$inst->$f;
            }
            $a['plugins'] = [];
            foreach ($DB->get_records('assign_plugin_config', ['assignment' => $inst->id, 'name' => 'enabled']) as $pc) {
                $a['plugins'][$pc->subtype . '_' . $pc->plugin] = (int)$pc->value;
            }
            ksort($a['plugins']);
            $manager = get_grading_manager($ctx, 'mod_assign', 'submissions');
            $a['grading_method'] = $manager->get_active_method();
            $a['rubric'] = null;
            if ($a['grading_method'] === 'rubric') {
                $definition = $manager->get_controller('rubric')->get_definition();
                $criteria = [];
                foreach ($definition->rubric_criteria as $criterion) {
                    $levels = [];
                    foreach ($criterion['levels'] as $level) {
                        $levels[] = ['score' => (float)$level['score'], 'definition' => $level['definition']];
                    }
                    usort($levels, fn($x, $y) => $x['score'] <=> $y['score']);
                    $criteria[] = ['sortorder' => (int)$criterion['sortorder'], 'description' => $criterion['description'],
                        'levels' => $levels];
                }
                usort($criteria, fn($x, $y) => $x['sortorder'] <=> $y['sortorder']);
                $a['rubric'] = ['name' => $definition->name, 'status' => (int)$definition->status, 'criteria' => $criteria];
            }
            break;
        case 'quiz':
            foreach (['attempts', 'shuffleanswers', 'questionsperpage', 'timeopen', 'timeclose'] as $f) {
                $a[$f] = (int)$inst->$f;
            }
            $a['grade'] = (float)$inst->grade;
            $a['sumgrades'] = (float)$inst->sumgrades;
            $a['preferredbehaviour'] = $inst->preferredbehaviour;
            $a['reviewspecificfeedback'] = (int)$inst->reviewspecificfeedback;
            $a['reviewgeneralfeedback'] = (int)$inst->reviewgeneralfeedback;
            $a['slots'] = rc_quiz_slots($inst, $ctx);
            break;
    }
    $result['activities'][] = $a;
}

/** The quiz's slots with the question each one uses, read through the question bank. */
function rc_quiz_slots($quiz, $quizcontext): array {
    global $DB;
    $slots = [];
    $structure = \mod_quiz\quiz_settings::create($quiz->id)->get_structure();
    foreach ($structure->get_slots() as $slot) {
        $question = question_bank::load_question($slot->questionid);
        $entry = $DB->get_record('question_bank_entries', ['id' => $slot->questionbankentryid]);
        $category = $DB->get_record('question_categories', ['id' => $entry->questioncategoryid]);
        $bankcontext = context::instance_by_id($category->contextid);
        $bankcm = $bankcontext->contextlevel == CONTEXT_MODULE ? get_coursemodule_from_id(null, $bankcontext->instanceid) : null;
        $q = [
            'slot' => (int)$slot->slot, 'page' => (int)$slot->page, 'maxmark' => (float)$slot->maxmark,
            'qtype' => $question->get_type_name(), 'name' => $question->name, 'idnumber' => $entry->idnumber,
            'questiontext' => $question->questiontext, 'generalfeedback' => $question->generalfeedback,
            'defaultmark' => (float)$question->defaultmark, 'category' => $category->name,
            'bank' => $bankcm ? ['modname' => $bankcm->modname, 'name' => $bankcm->name, 'course' => (int)$bankcm->course] : null,
            'files' => rc_files($category->contextid, 'question', 'questiontext', $question->id),
            'answers' => [],
        ];
        foreach ($question->answers ?? [] as $answer) {
            $row = ['answer' => $answer->answer, 'fraction' => (float)$answer->fraction, 'feedback' => $answer->feedback];
            if (isset($answer->tolerance)) {
                $row['tolerance'] = (float)$answer->tolerance;
            }
            $q['answers'][] = $row;
        }
        switch ($q['qtype']) {
            case 'multichoice':
                $q['single'] = $question instanceof qtype_multichoice_single_question ? 1 : 0;
                $q['shuffleanswers'] = (int)$question->shuffleanswers;
                break;
            case 'truefalse':
                $q['rightanswer'] = (int)$question->rightanswer;
                $q['truefeedback'] = $question->truefeedback;
                $q['falsefeedback'] = $question->falsefeedback;
                break;
            case 'shortanswer':
                $q['usecase'] = (int)$question->usecase;
                break;
            case 'essay':
                $q['graderinfo'] = $question->graderinfo;
                $q['responseformat'] = $question->responseformat;
                break;
        }
        $slots[] = $q;
    }
    return $slots;
}

// The gradebook as Moodle computes it: categories with their aggregation and weight in the parent.
$tree = grade_category::fetch_all(['courseid' => $courseid]);
foreach ($tree as $category) {
    $item = $category->load_grade_item();
    $result['grade_categories'][] = [
        'id' => (int)$category->id, 'fullname' => $category->is_course_category() ? null : $category->fullname,
        'is_course' => $category->is_course_category(), 'aggregation' => (int)$category->aggregation,
        'parent' => $category->parent === null ? null : (int)$category->parent, 'depth' => (int)$category->depth,
        'aggregateonlygraded' => (int)$category->aggregateonlygraded,
        'weight' => (float)$item->aggregationcoef, 'grademax' => (float)$item->grademax,
        'gradepass' => (float)$item->gradepass, 'idnumber' => $item->idnumber,
    ];
}
foreach (grade_item::fetch_all(['courseid' => $courseid]) ?: [] as $item) {
    if ($item->itemtype !== 'mod') {
        continue;
    }
    $parent = $item->get_parent_category();
    $result['grade_items'][] = [
        'itemname' => $item->itemname, 'itemmodule' => $item->itemmodule, 'itemnumber' => (int)$item->itemnumber,
        'cmid' => $cmsbyinstance[$item->itemmodule][$item->iteminstance] ?? null, 'idnumber' => $item->idnumber,
        'grademax' => (float)$item->grademax, 'gradepass' => (float)$item->gradepass,
        'category' => $parent->is_course_category() ? null : $parent->fullname,
        'weight' => (float)$item->aggregationcoef, 'hidden' => (int)$item->hidden,
    ];
}
usort($result['grade_items'], fn($x, $y) => [$x['cmid'], $x['itemnumber']] <=> [$y['cmid'], $y['itemnumber']]);
foreach ($DB->get_records('event', ['courseid' => $courseid], 'id') as $event) {
    $result['events'][] = ['modulename' => $event->modulename, 'eventtype' => $event->eventtype,
        'timestart' => (int)$event->timestart, 'instance' => (int)$event->instance,
        'cmid' => $cmsbyinstance[$event->modulename][$event->instance] ?? null];
}

$printed = ob_get_clean();
$result['printed'] = $printed;
echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
