#!/usr/bin/python3
"""Take, verify and put back a site environment's backup on its node (docs/backups.md). Run as root.

    pl-backup.py take    --dest DIR --site-base B --scope db|files|full --cnf F --db N --backup-id ID --env-slug S
                         [--purpose operator|pre-restore|pre-promotion|final]
    pl-backup.py verify  --dir DIR [--expect JSON]
    pl-backup.py restore --dir DIR --part db|files|code --site-base B [--cnf F --db N]
    pl-backup.py delete  --backups DIR ID [ID ...]
    pl-backup.py prune-final --dir D --days N [--keep DIR]
    pl-backup.py restic-check  RESTIC
    pl-backup.py restic-send   RESTIC --dir DIR --stage S --tag T [--tag T ...]
    pl-backup.py restic-fetch  RESTIC --snapshot ID --into DIR
    pl-backup.py restic-forget RESTIC --backup-id ID [--backup-id ID ...]
  where RESTIC is --repo URL --password-file F --cache-dir C --lock L
                  [--sftp-user U --sftp-host H --sftp-port P --sftp-key K --known-hosts KH]

A backup is a directory DIR (root, 0700) holding db.sql.gz (mysqldump as the site's DB user, whose
credentials come from the 0600 option file F, never argv), files.tar.gz (shared/: uploads,
wp-config.php and whatever else lives outside the releases), code.tar.gz (the release `current`
points at) and manifest.json (size and sha256 of each part, the WordPress version, the table list).
`take` writes everything into a temporary sibling directory and renames it to DIR only when every
part is complete and synced, so an interrupted or failed backup never looks complete; running it again
for a DIR that exists prints that backup's manifest (a re-attached job) and changes nothing.
`verify` checks every part's size and sha256 against the manifest (and against --expect, the parts
as the control plane recorded them) and reads nothing else. `restore` puts one part back.
`delete` removes the named backups' directories under DIR (the environment's backups directory) and
any temporary directory of theirs; an id already gone is reported absent (a re-run changes nothing).

`prune-final` removes the final backups of deleted sites (the directories in D, deleted-site-backups/)
whose modification time is more than N days ago (0: none), never --keep and never one being written
(.tmp-* younger than N days): touching a final backup's directory keeps it longer.
The restic commands (docs/backups.md, "restic") work on the node's repository. The password comes
from the 0600 file F (RESTIC_PASSWORD_FILE), never argv; an sftp repository is reached with ssh and
the 0600 key K, its host key pinned on first use in KH. Every restic command of the node holds the
lock L, so a prune never meets a backup of another site. `restic-check` opens the repository (and
initializes it when it has none yet) and runs `restic check`. `restic-send` puts one backup in as
one snapshot tagged pl-backup=<id> (and --tag): the UNCOMPRESSED dump and tar streams of the local
parts, staged in S, so restic's own chunking deduplicates what did not change, with a manifest
whose parts are those uncompressed files (size and sha256); a snapshot already tagged with the id
is reported and nothing is sent again. `restic-fetch` dumps a snapshot's files into DIR (then
`verify` and `restore` read it like a local backup). `restic-forget` forgets the snapshots of the
ids and prunes.
Every command prints one JSON line; a failure prints {"ok": false, "code": ..., "reason": ...} and
exits 1 (2 for a corrupt backup).
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

MANIFEST = 'manifest.json'
PART_FILES = {'db': 'db.sql.gz', 'files': 'files.tar.gz', 'code': 'code.tar.gz'}
SCOPE_PARTS = {'db': ['db'], 'files': ['files', 'code'], 'full': ['db', 'files', 'code']}
CHUNK = 1 << 20


class Failure(Exception):
    def __init__(self, code, reason, exit_code=1):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.exit_code = exit_code


def sha256_and_size(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run(argv, **kwargs):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    return proc


def mariadb(cnf, db, sql):
    proc = run(['/usr/bin/mariadb', '--defaults-extra-file=' + cnf, '--batch', '--skip-column-names', db], input=sql.encode())
    if proc.returncode != 0:
        raise Failure('BACKUP_FAILED', 'mariadb: ' + proc.stderr.decode(errors='replace').strip()[:500])
    return proc.stdout.decode()


def current_release(site_base):
    link = os.path.join(site_base, 'current')
    if not os.path.islink(link):
        return None
    return os.path.basename(os.readlink(link))


def wordpress_version(release_dir):
    try:
        with open(os.path.join(release_dir, 'wp-includes', 'version.php'), encoding='utf-8', errors='replace') as f:
            m = re.search(r"\$wp_version\s*=\s*'([^']+)'", f.read())
            return m.group(1) if m else None
    except OSError:
        return None


def dump_database(cnf, db, target):
    """mysqldump | gzip into target; both exit codes checked (a pipe alone would hide a failed dump)."""
    argv = ['/usr/bin/mysqldump', '--defaults-extra-file=' + cnf, '--single-transaction', '--quick', '--routines', '--triggers',
            '--default-character-set=utf8mb4', db]
    with open(target, 'wb') as raw:
        with gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=1, mtime=0) as out:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            while True:
                chunk = proc.stdout.read(CHUNK)
                if not chunk:
                    break
                out.write(chunk)
            err = proc.stderr.read()
            if proc.wait() != 0:
                raise Failure('BACKUP_FAILED', 'mysqldump: ' + err.decode(errors='replace').strip()[:500])


def tar_create(target, cwd, member, allow_changed):
    proc = run(['/usr/bin/tar', '--numeric-owner', '-czf', target, '-C', cwd, member])
    # GNU tar exits 1 when a file changed while it was read (uploads of a live site): the archive is complete.
    if proc.returncode != 0 and not (allow_changed and proc.returncode == 1):
        raise Failure('BACKUP_FAILED', 'tar: ' + proc.stderr.decode(errors='replace').strip()[:500])


def take(args):
    dest = args.dest.rstrip('/')
    parent = os.path.dirname(dest)
    if os.path.isdir(dest):
        with open(os.path.join(dest, MANIFEST), encoding='utf-8') as f:
            return {'ok': True, 'changed': False, 'path': dest, 'manifest': json.load(f)}
    os.makedirs(parent, mode=0o700, exist_ok=True)
    # backups/<env_slug>/<id>: both levels are Pressluft's own; deleted-site-backups/<slug>-<id>: only one.
    for d in ((parent,) if args.purpose == 'final' else (os.path.dirname(parent), parent)):
        os.chmod(d, 0o700)
    tmp = os.path.join(parent, '.tmp-' + os.path.basename(dest))
    shutil.rmtree(tmp, ignore_errors=True)  # left by an interrupted run: never complete, never listed
    os.mkdir(tmp, 0o700)
    try:
        release = current_release(args.site_base)
        parts = []
        tables = []
        wp_version = wordpress_version(os.path.join(args.site_base, 'releases', release)) if release else None
        for name in SCOPE_PARTS[args.scope]:
            path = os.path.join(tmp, PART_FILES[name])
            if name == 'db':
                tables = [t for t in mariadb(args.cnf, args.db, 'SHOW TABLES').split('\n') if t]
                dump_database(args.cnf, args.db, path)
            elif name == 'files':
                tar_create(path, args.site_base, 'shared', allow_changed=True)
            else:
                if not release:
                    raise Failure('BACKUP_FAILED', 'the environment has no current release to back up')
                tar_create(path, os.path.join(args.site_base, 'releases'), release, allow_changed=False)
            os.chmod(path, 0o600)
            fsync_path(path)
            sha, size = sha256_and_size(path)
            parts.append({'name': name, 'file': PART_FILES[name], 'size': size, 'sha256': sha})
        manifest = {
            'format': 1,
            'backupId': args.backup_id,
            'envSlug': args.env_slug,
            'scope': args.scope,
            'purpose': args.purpose,
            'createdAt': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'releaseId': release,
            'wordpressVersion': wp_version,
            'tables': tables,
            'parts': parts,
        }
        mpath = os.path.join(tmp, MANIFEST)
        with open(mpath, 'w', encoding='utf-8') as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(mpath, 0o600)
        fsync_path(tmp)
        os.rename(tmp, dest)
        fsync_path(parent)
        return {'ok': True, 'changed': True, 'path': dest, 'manifest': manifest}
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_manifest(directory):
    try:
        with open(os.path.join(directory, MANIFEST), encoding='utf-8') as f:
            manifest = json.load(f)
        if not isinstance(manifest.get('parts'), list):
            raise ValueError('no parts')
        return manifest
    except FileNotFoundError:
        raise Failure('BACKUP_CORRUPT', directory + ' is not a complete backup (no manifest.json)', 2)
    except (OSError, ValueError) as e:
        raise Failure('BACKUP_CORRUPT', 'the manifest of ' + directory + ' cannot be read: ' + str(e)[:200], 2)


def verify(args):
    manifest = read_manifest(args.dir)
    # backups/<env_slug>/<id>, or deleted-site-backups/<env_slug>-<id> for a final backup
    name = os.path.basename(args.dir.rstrip('/'))
    if name not in (manifest.get('backupId'), '%s-%s' % (manifest.get('envSlug'), manifest.get('backupId'))):
        raise Failure('BACKUP_CORRUPT', 'the manifest names backup %r, not this directory' % manifest.get('backupId'), 2)
    if args.expect:
        expected = sorted((p['file'], int(p['size']), p['sha256']) for p in json.loads(args.expect))
        recorded = sorted((p['file'], int(p['size']), p['sha256']) for p in manifest['parts'])
        if expected != recorded:
            raise Failure('BACKUP_CORRUPT', 'the manifest does not list the parts the control plane recorded for this backup', 2)
    for part in manifest['parts']:
        path = os.path.join(args.dir, os.path.basename(part['file']))
        if not os.path.isfile(path):
            raise Failure('BACKUP_CORRUPT', 'part %s is missing' % part['file'], 2)
        sha, size = sha256_and_size(path)
        if size != part['size'] or sha != part['sha256']:
            raise Failure('BACKUP_CORRUPT', 'part %s does not match its manifest (size %d/%d, sha256 %s/%s)'
                          % (part['file'], size, part['size'], sha[:12], part['sha256'][:12]), 2)
    return {'ok': True, 'changed': False, 'manifest': manifest}


def restore_db(args, path):
    tables = [line.split('\t') for line in mariadb(args.cnf, args.db, 'SHOW FULL TABLES').split('\n') if line]
    # Tables the backup did not have must go too: the database becomes exactly the backup's.
    drops = ['SET FOREIGN_KEY_CHECKS=0;']
    drops += ['DROP VIEW IF EXISTS `%s`;' % t for t, kind in tables if kind == 'VIEW']
    drops += ['DROP TABLE IF EXISTS `%s`;' % t for t, kind in tables if kind != 'VIEW']
    mariadb(args.cnf, args.db, '\n'.join(drops))
    # a local part is db.sql.gz; one fetched from restic is the uncompressed db.sql
    with (gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb')) as dump:
        proc = subprocess.Popen(['/usr/bin/mariadb', '--defaults-extra-file=' + args.cnf, '--batch', args.db],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            shutil.copyfileobj(dump, proc.stdin, CHUNK)
        finally:
            proc.stdin.close()
        err = proc.stderr.read()
        if proc.wait() != 0:
            raise Failure('RESTORE_FAILED', 'importing the dump: ' + err.decode(errors='replace').strip()[:500])
    return None


def extract(archive, into):
    shutil.rmtree(into, ignore_errors=True)
    os.mkdir(into, 0o700)
    # As root: owners (numeric, the same node's users) and modes come back as they were taken. No -z:
    # GNU tar sees for itself whether the archive is gzip'd (local parts) or not (fetched from restic).
    proc = run(['/usr/bin/tar', '--numeric-owner', '-xpf', archive, '-C', into])
    if proc.returncode != 0:
        raise Failure('RESTORE_FAILED', 'tar: ' + proc.stderr.decode(errors='replace').strip()[:500])


def restore_files(args, path):
    base = args.site_base
    staging = os.path.join(base, '.restore-shared')
    extract(path, staging)
    old = os.path.join(base, '.shared-replaced')
    shutil.rmtree(old, ignore_errors=True)
    # Two renames: releases link to ../../shared/..., which resolves to the restored tree at once.
    os.rename(os.path.join(base, 'shared'), old)
    os.rename(os.path.join(staging, 'shared'), os.path.join(base, 'shared'))
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return None


def restore_code(args, path, manifest):
    release = manifest.get('releaseId')
    if not release or not re.match(r'^[0-9A-Za-z_-]{1,64}$', release):
        raise Failure('BACKUP_CORRUPT', 'the manifest names no valid release', 2)
    releases = os.path.join(args.site_base, 'releases')
    target = os.path.join(releases, release)
    if os.path.isdir(target):
        return release  # releases are immutable: the one still kept is the one backed up
    staging = os.path.join(releases, '.restore-' + release)
    extract(path, staging)
    os.rename(os.path.join(staging, release), target)
    shutil.rmtree(staging, ignore_errors=True)
    return release


def restore(args):
    manifest = read_manifest(args.dir)
    part = next((p for p in manifest['parts'] if p['name'] == args.part), None)
    if part is None:
        return {'ok': True, 'changed': False, 'part': args.part, 'present': False, 'releaseId': None}
    path = os.path.join(args.dir, os.path.basename(part['file']))
    release = None
    if args.part == 'db':
        restore_db(args, path)
    elif args.part == 'files':
        restore_files(args, path)
    else:
        release = restore_code(args, path, manifest)
    return {'ok': True, 'changed': True, 'part': args.part, 'present': True, 'releaseId': release}


BACKUP_ID = re.compile(r'^[0-9A-Za-z_-]{1,64}$')


def delete(args):
    root = os.path.realpath(args.backups)
    deleted, absent = [], []
    for backup_id in args.ids:
        if not BACKUP_ID.match(backup_id):
            raise Failure('BACKUP_DELETE_FAILED', 'not a backup id: %r' % backup_id)
    for backup_id in args.ids:
        found = False
        # the id pattern has no '/' or '..', so both paths stay directly under root
        for name in (backup_id, '.tmp-' + backup_id):
            path = os.path.join(root, name)
            if os.path.islink(path):
                raise Failure('BACKUP_DELETE_FAILED', '%s is a symlink, not a backup' % path)
            if os.path.isdir(path):
                # renamed away first, so an interrupted removal never leaves a half backup under its id
                doomed = os.path.join(root, '.del-' + name)
                shutil.rmtree(doomed, ignore_errors=True)
                os.rename(path, doomed)
                fsync_path(root)
                shutil.rmtree(doomed)
                found = found or name == backup_id
        (deleted if found else absent).append(backup_id)
    for name in os.listdir(root) if os.path.isdir(root) else []:
        if name.startswith('.del-'):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)  # left by an interrupted run
    return {'ok': True, 'changed': bool(deleted), 'deleted': deleted, 'absent': absent}


def prune_final(args):
    days = args.days
    if days < 0:
        raise Failure('BACKUP_FAILED', '--days must be 0 or more')
    if days == 0 or not os.path.isdir(args.dir):
        return {'ok': True, 'changed': False, 'pruned': [], 'kept': []}
    keep = os.path.realpath(args.keep) if args.keep else None
    cutoff = time.time() - days * 86400
    pruned, kept = [], []
    for name in sorted(os.listdir(args.dir)):
        path = os.path.join(args.dir, name)
        if not os.path.isdir(path) or os.path.islink(path) or os.path.realpath(path) == keep:
            continue
        if os.lstat(path).st_mtime >= cutoff:
            kept.append(name)
            continue
        shutil.rmtree(path)
        pruned.append(name)
    if pruned:
        fsync_path(args.dir)
    return {'ok': True, 'changed': bool(pruned), 'pruned': pruned, 'kept': kept}


# --- restic (docs/backups.md, "restic") -------------------------------------------------------------

RAW_FILES = {'db': 'db.sql', 'files': 'files.tar', 'code': 'code.tar'}
RESTIC = '/usr/bin/restic'


class Restic:
    """restic with the node's repository: password from a file, sftp over ssh with the given key."""

    def __init__(self, args):
        self.args = args
        self.base = [RESTIC, '-r', args.repo, '--cache-dir', args.cache_dir, '--quiet']
        if args.sftp_host:
            ssh = ['ssh', '-F', '/dev/null', '-i', args.sftp_key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
                   '-o', 'StrictHostKeyChecking=accept-new', '-o', 'UserKnownHostsFile=' + args.known_hosts,
                   '-o', 'ConnectTimeout=20', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=4',
                   '-p', str(args.sftp_port), '-l', args.sftp_user, args.sftp_host, '-s', 'sftp']
            self.base += ['-o', 'sftp.command=' + ' '.join(ssh)]
        self.env = dict(os.environ, RESTIC_PASSWORD_FILE=args.password_file, HOME=os.environ.get('HOME', '/root'))
        self.env.pop('RESTIC_PASSWORD', None)
        self.env.pop('RESTIC_PASSWORD_COMMAND', None)

    def run(self, argv, code='BACKUP_REPOSITORY_UNAVAILABLE', check=True, **kwargs):
        proc = subprocess.run(self.base + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, **kwargs)
        if check and proc.returncode != 0:
            raise Failure(code, 'restic %s: %s' % (argv[0], proc.stderr.decode(errors='replace').strip()[-500:]))
        return proc

    def snapshots(self, tags):
        argv = ['snapshots', '--json']
        for tag in tags:
            argv += ['--tag', tag]
        out = self.run(argv).stdout.decode() or '[]'
        return json.loads(out) or []


def restic_lock(args):
    import fcntl
    os.makedirs(os.path.dirname(args.lock), mode=0o700, exist_ok=True)
    fd = os.open(args.lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the process ends
    return fd


def restic_check(args):
    restic_lock(args)
    r = Restic(args)
    initialized = False
    opened = r.run(['cat', 'config'], check=False)
    if opened.returncode != 0:
        err = opened.stderr.decode(errors='replace')
        # an empty or absent location is initialized; anything else (wrong password, unreachable) is an error
        if 'Is there a repository at the following location?' not in err and 'does not exist' not in err and 'unable to open config file' not in err:
            raise Failure('BACKUP_REPOSITORY_UNAVAILABLE', 'restic cannot open the repository: ' + err.strip()[-500:])
        r.run(['init'])
        initialized = True
    r.run(['check'], code='BACKUP_REPOSITORY_CHECK_FAILED')
    return {'ok': True, 'changed': initialized, 'initialized': initialized}


def backup_tag(backup_id):
    return 'pl-backup=' + backup_id


def snapshot_summary(snapshot):
    return {'snapshotId': snapshot['id'], 'time': snapshot.get('time')}


def restic_send(args):
    manifest = read_manifest(args.dir)
    backup_id = manifest['backupId']
    restic_lock(args)
    r = Restic(args)
    found = r.snapshots([backup_tag(backup_id)])
    if found:
        raw = json.loads(r.run(['dump', found[-1]['id'], '/' + MANIFEST], cwd='/').stdout.decode())
        return {'ok': True, 'changed': False, 'snapshotId': found[-1]['id'], 'parts': raw['parts'], 'dataAdded': 0}
    stage = args.stage.rstrip('/')
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage, mode=0o700)
    try:
        raw_parts = []
        for part in manifest['parts']:
            source = os.path.join(args.dir, os.path.basename(part['file']))
            target = os.path.join(stage, RAW_FILES[part['name']])
            digest = hashlib.sha256()
            size = 0
            # uncompressed, so that restic's content-defined chunks of unchanged rows and files repeat
            with gzip.open(source, 'rb') as src, open(target, 'wb') as out:
                while True:
                    chunk = src.read(CHUNK)
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            raw_parts.append({'name': part['name'], 'file': RAW_FILES[part['name']], 'size': size, 'sha256': digest.hexdigest()})
        copy = dict(manifest, parts=raw_parts, compressedParts=manifest['parts'], copy='restic')
        with open(os.path.join(stage, MANIFEST), 'w', encoding='utf-8') as f:
            json.dump(copy, f, indent=1, sort_keys=True)
        argv = ['backup', '--json', '--host', 'pressluft', '--tag', backup_tag(backup_id)]
        for tag in args.tag or []:
            argv += ['--tag', tag]
        # relative to the stage, so every snapshot holds /db.sql, /files.tar, /code.tar, /manifest.json
        proc = r.run(argv + ['.'], cwd=stage)
        summary = {}
        for line in proc.stdout.decode().splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get('message_type') == 'summary':
                summary = msg
        made = r.snapshots([backup_tag(backup_id)])  # the full id (the summary may abbreviate it)
        if not summary.get('snapshot_id') or not made:
            raise Failure('BACKUP_REPOSITORY_UNAVAILABLE', 'restic backup reported no snapshot')
        return {'ok': True, 'changed': True, 'snapshotId': made[-1]['id'], 'parts': raw_parts,
                'dataAdded': summary.get('data_added', 0), 'totalBytes': summary.get('total_bytes_processed', 0)}
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def restic_fetch(args):
    if not re.match(r'^[0-9a-f]{8,64}$', args.snapshot):
        raise Failure('BACKUP_CORRUPT', 'not a snapshot id: %r' % args.snapshot, 2)
    restic_lock(args)
    r = Restic(args)
    into = args.into.rstrip('/')
    shutil.rmtree(into, ignore_errors=True)
    os.makedirs(into, mode=0o700)
    listed = r.run(['ls', '--json', args.snapshot]).stdout.decode().splitlines()
    names = set()
    for line in listed:
        try:
            node = json.loads(line)
        except ValueError:
            continue
        if node.get('struct_type') == 'node' and node.get('type') == 'file':
            names.add(node.get('path'))
    if '/' + MANIFEST not in names:
        raise Failure('BACKUP_CORRUPT', 'snapshot %s holds no manifest.json' % args.snapshot, 2)
    fetched = []
    for name in [MANIFEST] + sorted(RAW_FILES.values()):
        if '/' + name not in names:
            continue
        with open(os.path.join(into, name), 'wb') as out:
            proc = subprocess.run(r.base + ['dump', args.snapshot, '/' + name], stdout=out, stderr=subprocess.PIPE, env=r.env)
        if proc.returncode != 0:
            raise Failure('BACKUP_REPOSITORY_UNAVAILABLE', 'restic dump %s: %s' % (name, proc.stderr.decode(errors='replace').strip()[-500:]))
        fetched.append(name)
    return {'ok': True, 'changed': True, 'dir': into, 'files': fetched}


def restic_forget(args):
    for backup_id in args.backup_id:
        if not BACKUP_ID.match(backup_id):
            raise Failure('BACKUP_DELETE_FAILED', 'not a backup id: %r' % backup_id)
    restic_lock(args)
    r = Restic(args)
    tags = [backup_tag(b) for b in args.backup_id]
    found = r.snapshots(tags)  # separate --tag options: snapshots with any of them
    present = sorted({t.split('=', 1)[1] for s in found for t in s.get('tags') or [] if t in tags})
    if found:
        # by id: forget without a --keep policy removes nothing, whatever --tag says
        r.run(['forget', '--prune'] + [s['id'] for s in found], code='BACKUP_DELETE_FAILED')
    return {'ok': True, 'changed': bool(found), 'forgotten': present, 'snapshots': [s['id'] for s in found],
            'absent': sorted(set(args.backup_id) - set(present))}


def add_restic_args(p):
    p.add_argument('--repo', required=True)
    p.add_argument('--password-file', required=True)
    p.add_argument('--cache-dir', required=True)
    p.add_argument('--lock', required=True)
    p.add_argument('--sftp-user')
    p.add_argument('--sftp-host')
    p.add_argument('--sftp-port', type=int, default=22)
    p.add_argument('--sftp-key')
    p.add_argument('--known-hosts')


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    t = sub.add_parser('take')
    t.add_argument('--dest', required=True)
    t.add_argument('--site-base', required=True)
    t.add_argument('--scope', required=True, choices=sorted(SCOPE_PARTS))
    t.add_argument('--cnf', required=True)
    t.add_argument('--db', required=True)
    t.add_argument('--backup-id', required=True)
    t.add_argument('--env-slug', required=True)
    t.add_argument('--purpose', default='operator', choices=['operator', 'pre-restore', 'pre-promotion', 'final'])
    v = sub.add_parser('verify')
    v.add_argument('--dir', required=True)
    v.add_argument('--expect')
    r = sub.add_parser('restore')
    r.add_argument('--dir', required=True)
    r.add_argument('--part', required=True, choices=sorted(PART_FILES))
    r.add_argument('--site-base', required=True)
    r.add_argument('--cnf')
    r.add_argument('--db')
    d = sub.add_parser('delete')
    d.add_argument('--backups', required=True)
    d.add_argument('ids', nargs='+')
    p = sub.add_parser('prune-final')
    p.add_argument('--dir', required=True)
    p.add_argument('--days', required=True, type=int)
    p.add_argument('--keep')
    rc = sub.add_parser('restic-check')
    add_restic_args(rc)
    rs = sub.add_parser('restic-send')
    add_restic_args(rs)
    rs.add_argument('--dir', required=True)
    rs.add_argument('--stage', required=True)
    rs.add_argument('--tag', action='append')
    rf = sub.add_parser('restic-fetch')
    add_restic_args(rf)
    rf.add_argument('--snapshot', required=True)
    rf.add_argument('--into', required=True)
    rg = sub.add_parser('restic-forget')
    add_restic_args(rg)
    rg.add_argument('--backup-id', action='append', required=True)
    args = parser.parse_args()
    os.umask(0o077)
    try:
        out = {'take': take, 'verify': verify, 'restore': restore, 'delete': delete, 'prune-final': prune_final,
               'restic-check': restic_check, 'restic-send': restic_send, 'restic-fetch': restic_fetch,
               'restic-forget': restic_forget}[args.command](args)
    except Failure as f:
        print(json.dumps({'ok': False, 'code': f.code, 'reason': f.reason}))
        sys.exit(f.exit_code)
    except OSError as e:
        code = {'delete': 'BACKUP_DELETE_FAILED', 'restore': 'RESTORE_FAILED', 'restic-check': 'BACKUP_REPOSITORY_UNAVAILABLE',
                'restic-fetch': 'BACKUP_REPOSITORY_UNAVAILABLE', 'restic-forget': 'BACKUP_DELETE_FAILED'}.get(args.command, 'BACKUP_FAILED')
        print(json.dumps({'ok': False, 'code': code, 'reason': '%s: %s' % (e.strerror or e, e.filename or '')}))
        sys.exit(1)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
