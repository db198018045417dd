<?php
// Install WordPress into an empty database without WP-CLI (there is none on nodes).
//   php pl-wp-install.php DOCROOT URL TITLE ADMIN_USER ADMIN_EMAIL PUBLIC(1|0)   admin password on stdin
// Run as the site user. Idempotent: an installed site prints {"installed":false,...} and exits 0.
// The password never appears in argv (stdin only).
if (PHP_SAPI !== 'cli' || $argc < 7) { fwrite(STDERR, "usage: pl-wp-install.php DOCROOT URL TITLE USER EMAIL PUBLIC\n"); exit(2); }
[, $root, $url, $title, $user, $email, $public] = $argv;
$pass = rtrim((string) fgets(STDIN), "\r\n");
if ($pass === '') { fwrite(STDERR, "no admin password on stdin\n"); exit(2); }
$host = parse_url($url, PHP_URL_HOST);
$_SERVER['HTTP_HOST'] = $host; $_SERVER['SERVER_NAME'] = $host; $_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1'; $_SERVER['REQUEST_METHOD'] = 'GET';
define('WP_INSTALLING', true);
define('WP_SITEURL', $url);            // wp_guess_url() would otherwise guess from the CLI environment
chdir($root);
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter('pre_wp_mail', '__return_false');   // no "new site" mail (nodes have no sendmail)
if (is_blog_installed()) { echo json_encode(['installed' => false, 'reason' => 'already installed']), "\n"; exit(0); }
$r = wp_install($title, $user, $email, $public === '1', '', wp_slash($pass));
update_option('siteurl', $url);
update_option('home', $url);
echo json_encode(['installed' => true, 'user_id' => $r['user_id'], 'url' => $url]), "\n";
