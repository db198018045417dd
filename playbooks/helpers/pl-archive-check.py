#!/usr/bin/python3
"""Refuse an unsafe release archive before anything of it is unpacked.

    pl-archive-check.py ARCHIVE

Reads the tar (any compression tarfile knows) without extracting it and refuses, with exit code 1
and a JSON line {"ok": false, "reason": ...}, when an entry
  * has an absolute path or a `..` component,
  * is a symbolic link whose target is absolute or leaves the release (resolved from the link's own
    directory after the strip below), or has a `..` after a name (`a/b/..` leaves the release when
    a/b is itself a link to `..`; only leading `..` are resolved safely without following links),
  * is a hard link to a path outside the release or to a symbolic link (tar's link() copies the
    symbolic link, whose relative target then resolves from the hard link's directory),
  * lies below an entry that is a symbolic link (extraction would write through the link),
  * is a device, a fifo or anything else than a file, directory or link,
  * has the setuid or setgid bit,
  * is followed by a block that is neither a header nor the end of the archive (tarfile stops there,
    GNU tar skips to the next header and unpacks whatever follows).
On success it prints {"ok": true, "entries": N, "strip": 0|1}: strip is 1 when every entry lies
under one top-level directory (a wrapped archive such as wordpress.org's `wordpress/`), to be passed
to `tar --strip-components`.
"""
import itertools
import json
import posixpath
import stat
import sys
import tarfile


def parts_of(name):
    return [p for p in name.split('/') if p not in ('', '.')]


def refuse(reason, name=None):
    out = {'ok': False, 'reason': reason}
    if name is not None:
        out['entry'] = name[:300]
    print(json.dumps(out))
    sys.exit(1)


def leaves(path_parts):
    """True when a normalized relative path (list of parts) goes above the root."""
    depth = 0
    for p in path_parts:
        depth = depth - 1 if p == '..' else depth + 1
        if depth < 0:
            return True
    return False


def main():
    if len(sys.argv) != 2:
        print('usage: pl-archive-check.py ARCHIVE', file=sys.stderr)
        sys.exit(2)
    try:
        tf = tarfile.open(sys.argv[1], 'r:*')
        members = tf.getmembers()
        # tarfile ends the list silently at a bad header after the first; GNU tar would go on.
        tf.fileobj.seek(tf.offset)
        stopped_at = tf.fileobj.read(tarfile.BLOCKSIZE)
    except (tarfile.TarError, OSError, EOFError) as e:
        refuse('not a readable tar archive: %s' % e)
    if stopped_at.strip(tarfile.NUL):
        refuse('not a readable tar archive: a bad header after entry %d' % len(members),
               members[-1].name if members else None)
    if not members:
        refuse('the archive is empty')

    entries = []
    for m in members:
        if m.name.startswith('/'):
            refuse('absolute path', m.name)
        ps = parts_of(m.name)
        if '..' in ps:
            refuse('path with ..', m.name)
        if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
            refuse('device, fifo or special file', m.name)
        if m.mode & (stat.S_ISUID | stat.S_ISGID):
            refuse('setuid or setgid file', m.name)
        if ps:
            entries.append((ps, m))

    tops = {ps[0] for ps, _ in entries}
    top_is_dir = len(tops) == 1 and all(len(ps) > 1 or m.isdir() for ps, m in entries)
    strip = 1 if top_is_dir else 0

    links = set()
    hard = []
    for ps, m in entries:
        rel = ps[strip:]
        if not rel:
            continue
        if m.issym() or m.islnk():
            target = m.linkname
            if target.startswith('/'):
                refuse('link to an absolute path', m.name)
            if m.issym():
                tparts = parts_of(target)
                if '..' in itertools.dropwhile(lambda p: p == '..', tparts):
                    refuse('link target with .. after a name', m.name)
                resolved = rel[:-1] + tparts
            else:  # hard link targets are archive member names
                resolved = parts_of(target)[strip:]
            if leaves(resolved) or (m.islnk() and '..' in resolved):
                refuse('link leaving the release', m.name)
            if m.issym():
                links.add(tuple(rel))
            else:
                hard.append((tuple(resolved), m))
    for target, m in hard:
        if target in links:
            refuse('hard link to a symbolic link', m.name)
    for ps, m in entries:
        rel = ps[strip:]
        for i in range(1, len(rel)):
            if tuple(rel[:i]) in links:
                refuse('entry below a symbolic link', m.name)

    print(json.dumps({'ok': True, 'entries': len(members), 'strip': strip}))


if __name__ == '__main__':
    main()
