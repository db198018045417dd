<?php
// Load WordPress from a release directory as the site user and reach its database: the pre-switch
// check of a deploy (a plugin or theme that dies at load time fails here, before anything is live).
//   php pl-wp-check.php RELEASE_DIR HOST
// Prints one JSON line {"ok":true,...} as its LAST line on success. Anything else (a PHP fatal, exit
// 255; WordPress's dead_db() page, exit 0 without the line) is a failure.
if (PHP_SAPI !== 'cli' || $argc < 3) { fwrite(STDERR, "usage: pl-wp-check.php RELEASE_DIR HOST\n"); exit(2); }
[, $root, $host] = $argv;
$_SERVER['HTTP_HOST'] = $host; $_SERVER['SERVER_NAME'] = $host; $_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1'; $_SERVER['REQUEST_METHOD'] = 'GET';
add_filter_early();
chdir($root);
require $root . '/wp-load.php';        // wp-settings.php: mu-plugins, active plugins, the theme's functions.php, init
global $wpdb, $wp_version;
$one = $wpdb->get_var('SELECT 1');
if ((string) $one !== '1') { fwrite(STDERR, 'database query failed: ' . $wpdb->last_error . "\n"); exit(3); }
echo "\n", json_encode([
    'ok' => true,
    'wp_version' => $wp_version,
    'db_version' => (int) get_option('db_version'),
    'installed' => is_blog_installed(),
    'abspath' => ABSPATH,
]), "\n";

// No outgoing HTTP from a check (cron spawn, update checks): nodes may have no route out.
function add_filter_early() {
    global $wp_filter;
    $wp_filter['pre_http_request'][10]['pl'] = ['function' => function () { return new WP_Error('pl_check', 'no HTTP during checks'); }, 'accepted_args' => 1];
    define('DISABLE_WP_CRON', true);
}
