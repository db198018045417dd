<?php
// Serialization-safe search-replace over every text column of the site's tables (no WP-CLI here).
//   php pl-wp-search-replace.php DOCROOT FROM TO [--dry-run] [--tables=a,b,c]      run as the site user
// --tables limits it to those tables (full names; each must be one of the site's prefixed tables);
// without it every table with the site's prefix is searched.
// Serialized values are unserialized (only stdClass is instantiated, never a plugin's class), rewritten
// and serialized again, so the s:N: lengths stay right. Objects of other classes are left untouched and
// counted in skipped_values; so are corrupt serialized strings. Tables without a single-column primary
// key are skipped. Prints {"dry_run":..,"changed":{table:rows},"skipped_values":N}.
if (PHP_SAPI !== 'cli' || $argc < 4) { fwrite(STDERR, "usage: pl-wp-search-replace.php DOCROOT FROM TO [--dry-run] [--tables=a,b,c]\n"); exit(2); }
[, $root, $from, $to] = $argv;
$dry = in_array('--dry-run', $argv, true);
$only = null;
foreach (array_slice($argv, 4) as $arg) {
    if (strncmp($arg, '--tables=', 9) === 0) {
        $only = explode(',', substr($arg, 9));
        foreach ($only as $t) {
            if (!preg_match('/^[A-Za-z0-9_$]{1,64}$/', $t)) { fwrite(STDERR, "bad table name in --tables: '$t'\n"); exit(2); }
        }
    } elseif ($arg !== '--dry-run') { fwrite(STDERR, "unknown argument '$arg'\n"); exit(2); }
}
if ($from === '') { fwrite(STDERR, "FROM must not be empty\n"); exit(2); }
$_SERVER['HTTP_HOST'] = 'localhost';
define('WP_ADMIN', true);
define('DISABLE_WP_CRON', true);
chdir($root);
require $root . '/wp-load.php';
global $wpdb;

function pl_replace($v, $from, $to, &$skipped) {
    if (is_string($v)) {
        if (is_serialized($v)) {
            $u = @unserialize($v, ['allowed_classes' => ['stdClass']]);   // never instantiate plugin classes
            if ($u === false && $v !== 'b:0;') { $skipped++; return $v; }    // corrupt: leave as is
            return serialize(pl_replace($u, $from, $to, $skipped));          // lengths recomputed
        }
        return str_replace($from, $to, $v);
    }
    if (is_array($v)) { foreach ($v as $k => $x) { $v[$k] = pl_replace($x, $from, $to, $skipped); } return $v; }
    if ($v instanceof __PHP_Incomplete_Class) { $skipped++; return $v; }   // other classes: untouched, counted
    if (is_object($v)) { foreach (get_object_vars($v) as $k => $x) { $v->$k = pl_replace($x, $from, $to, $skipped); } return $v; }
    return $v;
}

$report = []; $skipped = 0;
$tables = $wpdb->get_col($wpdb->prepare('SHOW TABLES LIKE %s', $wpdb->esc_like($wpdb->prefix) . '%'));
if ($only !== null) {
    $missing = array_diff($only, $tables);
    if ($missing) { fwrite(STDERR, 'not tables of this site (prefix ' . $wpdb->prefix . '): ' . implode(', ', $missing) . "\n"); exit(2); }
    $tables = array_values(array_intersect($tables, $only));
}
foreach ($tables as $table) {
    $pk = $wpdb->get_col("SHOW KEYS FROM `$table` WHERE Key_name = 'PRIMARY'", 4);
    if (count($pk) !== 1) { continue; }
    $pk = $pk[0]; $n = 0;
    $cols = array_filter($wpdb->get_results("SHOW COLUMNS FROM `$table`"), fn($c) => preg_match('/char|text|blob/i', $c->Type));
    foreach ($cols as $c) {
        $col = $c->Field;
        $rows = $wpdb->get_results($wpdb->prepare("SELECT `$pk` AS id, `$col` AS v FROM `$table` WHERE `$col` LIKE %s",
                                                  '%' . $wpdb->esc_like($from) . '%'));
        foreach ($rows as $r) {
            $new = pl_replace($r->v, $from, $to, $skipped);
            if ($new === $r->v) { continue; }
            $n++;
            if (!$dry && $wpdb->update($table, [$col => $new], [$pk => $r->id]) === false) {
                fwrite(STDERR, "update of $table.$col failed: {$wpdb->last_error}\n"); exit(3);
            }
        }
    }
    if ($n) { $report[$table] = $n; }
}
wp_cache_flush();
echo json_encode(['dry_run' => $dry, 'changed' => (object) $report, 'skipped_values' => $skipped]), "\n";
