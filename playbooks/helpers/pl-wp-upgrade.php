<?php
// Upgrade the WordPress database to the version of the code in DOCROOT (wp-admin/upgrade.php, without HTTP).
//   php pl-wp-upgrade.php DOCROOT HOST      run as the site user; prints {"from":N,"to":M}
if (PHP_SAPI !== 'cli' || $argc < 3) { fwrite(STDERR, "usage: pl-wp-upgrade.php DOCROOT HOST\n"); exit(2); }
[, $root, $host] = $argv;
$_SERVER['HTTP_HOST'] = $host; $_SERVER['SERVER_NAME'] = $host; $_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1'; $_SERVER['REQUEST_METHOD'] = 'GET';
define('WP_INSTALLING', true);
chdir($root);
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
global $wp_db_version;
wp_cache_flush();
$from = (int) get_option('db_version');
if ($from !== (int) $wp_db_version) { wp_upgrade(); }
wp_cache_flush();
echo json_encode(['from' => $from, 'to' => (int) get_option('db_version'), 'upgraded' => $from !== (int) $wp_db_version]), "\n";
