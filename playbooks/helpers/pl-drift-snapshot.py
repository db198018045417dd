#!/usr/bin/python3
"""The drift baseline of a site environment (docs/operations.md, "Staging clones"). Run as root.

    pl-drift-snapshot.py --db NAME [--uploads DIR] [--wp-config PATH]

Prints one JSON line: {"ok": true, "takenAt": ISO-8601, "database": NAME, "prefix": PREFIX or null,
"tables": [{"name", "rows", "checksum"[, "filtered": true]}...] (every base table, sorted by name; rows by
COUNT(*), checksum by CHECKSUM TABLE ... EXTENDED, which reads every row), "uploads": {"files", "bytes",
"sha256"} or null without --uploads}. The uploads hash is the sha256 of one line per entry below DIR, sorted by path:
`F <path> <size> <sha256 of the content>` for a file and `L <path> <link target>` for a symbolic link
(never followed). A later drift check takes the same snapshot and compares: a table whose rows or
checksum differ, or an uploads hash that differs, changed since the baseline.

With --wp-config the WordPress table prefix is read from that wp-config.php (`$table_prefix = '...';`,
[A-Za-z0-9_]{1,20}) and reported as "prefix"; the volatile rows of two tables are then left out, so a
page view or a login never looks like drift:
  <prefix>options   option_name `cron`, or starting with `_transient_`, `_site_transient_`,
                    `_wc_session_` or `action_scheduler_lock_` (compared byte for byte);
  <prefix>usermeta  meta_key `session_tokens`.
For those two tables "rows" counts the remaining rows and "checksum" is an order-independent aggregate
computed in SQL over them: per row the MD5 of the MD5s of all its columns (in ordinal order, joined by
commas, NULL as the marker N), its first 64 bits summed over the rows, as a decimal string; the entry
gets "filtered": true.
Every other table keeps COUNT(*) and CHECKSUM TABLE ... EXTENDED.
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
PREFIX = re.compile(r"^[A-Za-z0-9_]{1,20}$")
PREFIX_LINE = re.compile(r"^\s*\$table_prefix\s*=\s*(['\"])([^'\"]*)\1\s*;", re.M)
# unprefixed table -> (key column, SQL condition that keeps a row): the volatile rows are left out
VOLATILE = {
    "options": ("option_name", "NOT (BINARY `option_name` <=> BINARY 'cron' OR "
                + " OR ".join("BINARY LEFT(`option_name`, %d) = BINARY '%s'" % (len(p), p)
                              for p in ("_transient_", "_site_transient_", "_wc_session_", "action_scheduler_lock_"))
                + ")"),
    "usermeta": ("meta_key", "NOT (BINARY `meta_key` <=> BINARY 'session_tokens')"),
}


def sql(query):
    out = subprocess.run(["/usr/bin/mariadb", "--batch", "--skip-column-names", "--raw"], input=query, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr.strip()[:400]}")
    return [line.split("\t") for line in out.stdout.splitlines() if line != ""]


def ident(name):
    return "`" + name.replace("`", "``") + "`"


def read_prefix(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        found = PREFIX_LINE.findall(f.read())
    if len(found) != 1:
        raise RuntimeError(f"{path}: expected one $table_prefix assignment, found {len(found)}")
    prefix = found[0][1]
    if not PREFIX.match(prefix):
        raise RuntimeError(f"{path}: bad table prefix {prefix!r}")
    return prefix


def filtered(db, name, key, keep):
    """rows and the order-independent checksum of the rows of db.name that `keep` keeps."""
    cols = [row[0] for row in sql(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' ORDER BY ORDINAL_POSITION;" % (db, name))]
    if key not in cols:
        return None
    row_hash = "MD5(CONCAT_WS(',', %s))" % ", ".join("IFNULL(MD5(%s), 'N')" % ident(c) for c in cols)
    out = sql("SELECT COUNT(*), COALESCE(SUM(CAST(CONV(LEFT(%s, 16), 16, 10) AS UNSIGNED)), 0) FROM %s.%s WHERE %s;"
              % (row_hash, ident(db), ident(name), keep))
    return int(out[0][0]), out[0][1]


def tables(db, prefix):
    names = [row[0] for row in sql(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '%s' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME;" % db)]
    for name in names:
        if not NAME.match(name):
            raise RuntimeError(f"unexpected table name {name!r}")
    if not names:
        return []
    counts = dict(sql(" UNION ALL ".join("SELECT '%s', COUNT(*) FROM `%s`.`%s`" % (n, db, n) for n in names) + ";"))
    sums = {row[0].split(".", 1)[1]: row[1] for row in sql("CHECKSUM TABLE %s EXTENDED;" % ", ".join("`%s`.`%s`" % (db, n) for n in names))}
    result = [{"name": n, "rows": int(counts[n]), "checksum": "" if sums.get(n) in (None, "NULL") else sums[n]} for n in names]
    if prefix is not None:
        for entry in result:
            volatile = VOLATILE.get(entry["name"][len(prefix):]) if entry["name"].startswith(prefix) else None
            got = filtered(db, entry["name"], *volatile) if volatile else None
            if got is not None:
                entry.update(rows=got[0], checksum=got[1], filtered=True)
    return result


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
    # without it the tables alone (site-certificate.yml around its URL rewrite, which leaves uploads alone)
    p.add_argument("--uploads")
    p.add_argument("--wp-config", dest="wp_config")
    a = p.parse_args()
    try:
        if not NAME.match(a.db):
            raise RuntimeError(f"bad database name {a.db!r}")
        taken = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        prefix = read_prefix(a.wp_config) if a.wp_config else None
        result = {"ok": True, "takenAt": taken, "database": a.db, "prefix": prefix, "tables": tables(a.db, prefix), "uploads": uploads(a.uploads) if a.uploads else None}
    except (RuntimeError, OSError) as e:
        print(json.dumps({"ok": False, "reason": str(e)}))
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
