#!/usr/bin/python3
"""`php -l` every PHP file of a new release that is not byte-identical to the current release.

    pl-php-lint-changed.py PHP_BINARY NEW_RELEASE [CURRENT_RELEASE]

Linting all of WordPress core (~2,000 files, ~20 ms each) on every deploy would add a minute; the
files that did not change were linted (and served) before. Symbolic links are not followed.
Prints {"ok": bool, "linted": N, "errors": [...]} and exits 1 when a file does not parse.
"""
import filecmp
import json
import os
import subprocess
import sys

PHP_EXT = ('.php', '.phtml', '.inc')


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    php, new = sys.argv[1], sys.argv[2]
    cur = sys.argv[3] if len(sys.argv) == 4 and os.path.isdir(sys.argv[3]) else None
    linted, errors = 0, []
    for dirpath, dirnames, filenames in os.walk(new):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for f in filenames:
            if not f.endswith(PHP_EXT):
                continue
            path = os.path.join(dirpath, f)
            if os.path.islink(path):
                continue
            if cur is not None:
                old = os.path.join(cur, os.path.relpath(path, new))
                if os.path.isfile(old) and not os.path.islink(old) and filecmp.cmp(path, old, shallow=False):
                    continue
            linted += 1
            r = subprocess.run([php, '-n', '-l', path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, check=False)
            if r.returncode != 0:
                errors.append(os.path.relpath(path, new) + ': ' + r.stdout.strip().splitlines()[0][:300])
    print(json.dumps({'ok': not errors, 'linted': linted, 'errors': errors[:20]}))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
