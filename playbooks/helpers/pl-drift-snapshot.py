#!/usr/bin/python3
"""The drift baseline of a site environment (docs/operations.md, "Staging clones"). Run as root.

    pl-drift-snapshot.py --db NAME --uploads DIR

Prints one JSON line: {"ok": true, "takenAt": ISO-8601, "database": NAME,
"tables": [{"name", "rows", "checksum"}...] (every base table, sorted by name; rows by COUNT(*),
checksum by CHECKSUM TABLE ... EXTENDED, which reads every row), "uploads": {"files", "bytes",
"sha256"}}. The uploads hash is the sha256 of one line per entry below DIR, sorted by path:
`F <path> <size> <sha256 of the content>` for a file and `L <path> <link target>` for a symbolic link
(never followed). A later drift check takes the same snapshot and compares: a table whose rows or
checksum differ, or an uploads hash that differs, changed since the baseline.
The database is read through the local MariaDB as root (unix socket); nothing is written anywhere.
A failure prints {"ok": false, "reason": ...} and exits 1.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys

NAME = re.compile(r"^[A-Za-z0-9_$]{1,64}$")


def sql(query):
    out = subprocess.run(["/usr/bin/mariadb", "--batch", "--skip-column-names", "--raw"], input=query, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr.strip()[:400]}")
    return [line.split("\t") for line in out.stdout.splitlines() if line != ""]


def tables(db):
    names = [row[0] for row in sql(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '%s' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME;" % db)]
    for name in names:
        if not NAME.match(name):
            raise RuntimeError(f"unexpected table name {name!r}")
    if not names:
        return []
    counts = dict(sql(" UNION ALL ".join("SELECT '%s', COUNT(*) FROM `%s`.`%s`" % (n, db, n) for n in names) + ";"))
    sums = {row[0].split(".", 1)[1]: row[1] for row in sql("CHECKSUM TABLE %s EXTENDED;" % ", ".join("`%s`.`%s`" % (db, n) for n in names))}
    return [{"name": n, "rows": int(counts[n]), "checksum": "" if sums.get(n) in (None, "NULL") else sums[n]} for n in names]


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def uploads(root):
    entries = []
    files = size = 0
    for base, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(base, d))]):
            path = os.path.join(base, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            if os.path.islink(path):
                entries.append(f"L {rel} {os.readlink(path)}")
            elif os.path.isfile(path):
                files += 1
                size += st.st_size
                entries.append(f"F {rel} {st.st_size} {file_sha256(path)}")
    entries.sort()
    digest = hashlib.sha256("".join(e + "\n" for e in entries).encode("utf-8", "surrogateescape")).hexdigest()
    return {"files": files, "bytes": size, "sha256": digest}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--uploads", required=True)
    a = p.parse_args()
    try:
        if not NAME.match(a.db):
            raise RuntimeError(f"bad database name {a.db!r}")
        taken = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        result = {"ok": True, "takenAt": taken, "database": a.db, "tables": tables(a.db), "uploads": uploads(a.uploads)}
    except (RuntimeError, OSError) as e:
        print(json.dumps({"ok": False, "reason": str(e)}))
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
