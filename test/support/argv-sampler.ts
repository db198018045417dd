/**
 * Every process's argument list on a test node, sampled 20 times a second while a job or playbook runs:
 * the proof that no secret is ever passed on a command line (secrets go in 0600 files). Shell scripts for
 * the node (run as root inside its namespace): start the sampler detached, then stop it and read what it saw.
 */

/** Starts the sampler in the background: one line per process per round into /root/argv.log, until /root/argv.stop exists. */
export const START_ARGV_SAMPLER =
  "rm -f /root/argv.log /root/argv.stop; setsid sh -c 'while [ ! -f /root/argv.stop ]; do " +
  'for f in /proc/[0-9]*/cmdline; do tr "\\\\0" " " < $f 2>/dev/null; echo; done >> /root/argv.log; sleep 0.05; done\' ' +
  '</dev/null >/dev/null 2>&1 &';

/** Stops the sampler and prints the distinct lines it saw. */
export const STOP_ARGV_SAMPLER = 'touch /root/argv.stop && sort -u /root/argv.log';
