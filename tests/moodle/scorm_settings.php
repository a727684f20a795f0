<?php
// Test helper: change what an LMS admin may change on one SCORM activity, through Moodle's
// own database API, and print the activity's SCOs with their mastery scores as JSON.
//
//   php scorm_settings.php --moodle=ROOT --cmid=N [--masteryoverride=0|1] [--mastery=IDENT:SCORE,...]
//
// --mastery sets a SCO's mastery score as Moodle keeps it (scorm_scoes_data 'masteryscore',
// read from the manifest on import, handed to the SCO as cmi.student_data.mastery_score):
// the way to give the SCO an LMS pass mark that differs from its package's own.

define('CLI_SCRIPT', true);

$opts = getopt('', ['moodle:', 'cmid:', 'masteryoverride::', 'mastery::']);
if (empty($opts['moodle']) || empty($opts['cmid'])) {
    fwrite(STDERR, "usage: php scorm_settings.php --moodle=ROOT --cmid=N [--masteryoverride=0|1] [--mastery=IDENT:SCORE,...]\n");
    exit(2);
}
ob_start();
require(rtrim($opts['moodle'], '/') . '/config.php');

$cm = get_coursemodule_from_id('scorm', (int)$opts['cmid'], 0, false, MUST_EXIST);
$scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
if (isset($opts['masteryoverride'])) {
    $DB->set_field('scorm', 'masteryoverride', (int)$opts['masteryoverride'], ['id' => $scorm->id]);
}
if (!empty($opts['mastery'])) {
    foreach (explode(',', $opts['mastery']) as $pair) {
        [$identifier, $score] = explode(':', $pair, 2);
        $sco = $DB->get_record('scorm_scoes', ['scorm' => $scorm->id, 'identifier' => $identifier], '*', MUST_EXIST);
        $data = ['scoid' => $sco->id, 'name' => 'masteryscore'];
        if ($DB->record_exists('scorm_scoes_data', $data)) {
            $DB->set_field('scorm_scoes_data', 'value', $score, $data);
        } else {
            $DB->insert_record('scorm_scoes_data', (object)($data + ['value' => $score]));
        }
    }
}
$scoes = [];
foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder, id') as $sco) {
    $scoes[$sco->identifier] = $DB->get_field('scorm_scoes_data', 'value', ['scoid' => $sco->id, 'name' => 'masteryscore']);
}
$noise = ob_get_clean();
echo json_encode(['masteryoverride' => (int)$DB->get_field('scorm', 'masteryoverride', ['id' => $scorm->id]),
    'masteryscores' => $scoes, 'output' => trim($noise)], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
