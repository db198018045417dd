/**
 * playbooks/helpers/pl-archive-check.py (what archive-verify.yml runs, as
 * `/usr/bin/python3 pl-archive-check.py ARCHIVE`, before unpack-as-site.yml unpacks a release with GNU
 * tar), run locally on .tar.gz archives crafted here with Python's tarfile: a well-formed release is
 * accepted with the right strip; every hostile kind is refused with exit 1 and a JSON line naming the
 * member. Where a case was a real bypass, the test also shows what GNU tar would have unpacked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLAYBOOKS_DIR, tmpDir } from './node-ssh';

const SCRIPT = path.join(PLAYBOOKS_DIR, 'helpers', 'pl-archive-check.py');

/** One tar member; `raw` writes 512 bytes that are no tar header (a zero block when `zeros`). */
interface Member {
  name?: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';
  data?: string;
  /** that many deterministic pseudo-random (incompressible) bytes instead of data */
  random?: number;
  linkname?: string;
  mode?: number;
  pax?: boolean;
  raw?: 'garbage' | 'zeros';
}

// Reads {out, members} as JSON on stdin, writes a gzip'd tar. mtime 0 and a fixed seed: reproducible.
const BUILD = String.raw`
import gzip, io, json, random, sys, tarfile
spec = json.load(sys.stdin)
T = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE,
     'chardev': tarfile.CHRTYPE, 'blockdev': tarfile.BLKTYPE, 'fifo': tarfile.FIFOTYPE}
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0) as gz:
    with tarfile.open(fileobj=gz, mode='w', format=tarfile.GNU_FORMAT) as tf:
        for m in spec['members']:
            if 'raw' in m:
                tf.fileobj.write((b'\0' if m['raw'] == 'zeros' else b'G') * tarfile.BLOCKSIZE)
                tf.offset += tarfile.BLOCKSIZE
                continue
            ti = tarfile.TarInfo(m['name'])
            ti.type = T[m.get('type', 'file')]
            ti.mode = m.get('mode', 0o755 if ti.type == tarfile.DIRTYPE else 0o644)
            ti.linkname = m.get('linkname', '')
            ti.mtime = 0
            if ti.type in (tarfile.CHRTYPE, tarfile.BLKTYPE):
                ti.devmajor, ti.devminor = 1, 3
            data = random.Random(7).randbytes(m['random']) if 'random' in m else m.get('data', '').encode()
            if ti.type == tarfile.REGTYPE:
                ti.size = len(data)
            if m.get('pax'):
                tf.format = tarfile.PAX_FORMAT
            tf.addfile(ti, io.BytesIO(data) if ti.size else None)
            tf.format = tarfile.GNU_FORMAT
open(spec['out'], 'wb').write(buf.getvalue())
`;

/** A WordPress-like release in the wordpress.org layout, with a relative symlink inside it. */
const RELEASE: Member[] = [
  { name: 'wordpress', type: 'dir' },
  { name: 'wordpress/index.php', data: "<?php\ndefine('WP_USE_THEMES', true);\nrequire __DIR__ . '/wp-blog-header.php';\n" },
  { name: 'wordpress/wp-includes', type: 'dir' },
  { name: 'wordpress/wp-includes/version.php', data: "<?php\n$wp_version = '6.1.9';\n" },
  { name: 'wordpress/wp-content', type: 'dir' },
  { name: 'wordpress/wp-content/themes', type: 'dir' },
  { name: 'wordpress/wp-content/themes/shop', type: 'dir' },
  { name: 'wordpress/wp-content/themes/shop/style.css', data: '/* Theme Name: Shop */\n' },
  { name: 'wordpress/wp-content/themes/shop/functions.php', data: '<?php\n' },
  { name: 'wordpress/wp-content/themes/current', type: 'symlink', linkname: 'shop' },
  { name: 'wordpress/wp-content/shop-style.css', type: 'symlink', linkname: './themes/shop/style.css' },
  { name: 'wordpress/wp-includes/version-link.php', type: 'symlink', linkname: '../wp-includes/version.php' },
];

interface Verdict {
  ok: boolean;
  reason?: string;
  entry?: string;
  entries?: number;
  strip?: number;
}

describe('pl-archive-check.py', () => {
  let dir: string;
  let n = 0;

  function archive(members: Member[]): string {
    const out = path.join(dir, `a${++n}.tar.gz`);
    execFileSync('python3', ['-c', BUILD], { input: JSON.stringify({ out, members }) });
    return out;
  }

  /** The helper run as archive-verify.yml runs it: exit code and its one JSON line. */
  function check(file: string): { status: number | null; verdict: Verdict; stderr: string } {
    const r = spawnSync('python3', [SCRIPT, file], { encoding: 'utf8' });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return { status: r.status, verdict: JSON.parse(lines[0]), stderr: r.stderr };
  }

  function expectRefused(file: string, reason: RegExp, entry?: string): void {
    const { status, verdict } = check(file);
    expect(status).toBe(1);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toMatch(reason);
    if (entry !== undefined) expect(verdict.entry).toBe(entry);
  }

  /** Unpack as unpack-as-site.yml does (GNU tar, from stdin) into a fresh `release/` below its own dir. */
  function unpack(file: string, strip: number): string {
    const release = path.join(dir, `x${++n}`, 'release');
    fs.mkdirSync(release, { recursive: true });
    spawnSync('/bin/sh', ['-c', 'tar -xzf - --no-same-owner --no-same-permissions --strip-components="$1" -C "$2" < "$3"', 'sh', String(strip), release, file]);
    return release;
  }

  const inside = (release: string, p: string) => {
    const real = fs.realpathSync.native(p); // the JS realpathSync normalizes .. lexically
    return real === release || real.startsWith(release + path.sep);
  };

  beforeAll(() => {
    dir = fs.realpathSync(tmpDir('pl-archive-check-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given a wordpress.org-style release with dirs, files and relative symlinks inside it, when checked, then it is accepted with strip 1 and unpacks inside the release', () => {
    const file = archive(RELEASE);
    const { status, verdict } = check(file);
    expect({ status, verdict }).toEqual({ status: 0, verdict: { ok: true, entries: RELEASE.length, strip: 1 } });

    const release = unpack(file, 1);
    expect(fs.readFileSync(path.join(release, 'wp-content/themes/current/style.css'), 'utf8')).toContain('Theme Name: Shop');
    for (const l of ['wp-content/themes/current', 'wp-content/shop-style.css', 'wp-includes/version-link.php']) {
      expect(fs.lstatSync(path.join(release, l)).isSymbolicLink()).toBe(true);
      expect(inside(release, path.join(release, l))).toBe(true);
    }
  });

  it('given a docroot archive without a wrapping folder, when checked, then it is accepted with strip 0', () => {
    const docroot = RELEASE.filter((m) => m.name !== 'wordpress').map((m) => ({ ...m, name: m.name!.slice('wordpress/'.length) }));
    expect(check(archive(docroot)).verdict).toEqual({ ok: true, entries: docroot.length, strip: 0 });
  });

  it('given a hard link to a regular file inside the release, when checked, then it is accepted (only escaping hard links and hard links to symlinks are refused)', () => {
    const file = archive([...RELEASE, { name: 'wordpress/index-copy.php', type: 'hardlink', linkname: 'wordpress/index.php' }]);
    expect(check(file)).toMatchObject({ status: 0, verdict: { ok: true, strip: 1 } });
  });

  it('given a member with an absolute path, when checked, then it is refused naming the member', () => {
    expectRefused(archive([...RELEASE, { name: '/etc/cron.d/pl-evil', data: '* * * * * root id\n' }]), /^absolute path$/, '/etc/cron.d/pl-evil');
  });

  it('given a member whose absolute path is only in a pax header (a long name), when checked, then it is refused naming the member', () => {
    const name = `/tmp/${'d'.repeat(120)}/evil.php`;
    expectRefused(archive([...RELEASE, { name, data: '<?php\n', pax: true }]), /^absolute path$/, name);
  });

  it('given a member escaping with ../, when checked, then it is refused naming the member', () => {
    expectRefused(archive([...RELEASE, { name: 'wordpress/../../evil.php', data: '<?php\n' }]), /^path with \.\.$/, 'wordpress/../../evil.php');
  });

  it("given a member named like 'a/../../x' (.. in the middle), when checked, then it is refused naming the member", () => {
    expectRefused(archive([...RELEASE, { name: 'wordpress/wp-content/../../../x', data: 'x' }]), /^path with \.\.$/, 'wordpress/wp-content/../../../x');
  });

  it('given a symlink to an absolute path, when checked, then it is refused naming the member', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/wp-content/passwd', type: 'symlink', linkname: '/etc/passwd' }]),
      /^link to an absolute path$/,
      'wordpress/wp-content/passwd',
    );
  });

  it('given a relative symlink climbing out of the release, when checked, then it is refused naming the member', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/wp-content/up', type: 'symlink', linkname: '../../shared' }]),
      /^link leaving the release$/,
      'wordpress/wp-content/up',
    );
  });

  it('given a symlink that stays inside wordpress/ only before the strip, when checked, then it is refused (the wrapper is stripped on unpack)', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/wp-config.php', type: 'symlink', linkname: '../wordpress/wp-includes/version.php' }]),
      /^link leaving the release$/,
      'wordpress/wp-config.php',
    );
  });

  it('given a chain of symlinks that escapes though each looks inside on its own (a/b -> .. and x -> a/b/..), when checked, then it is refused naming the member', () => {
    const file = archive([
      ...RELEASE,
      { name: 'wordpress/wp-content/root', type: 'symlink', linkname: '..' },
      { name: 'wordpress/escape', type: 'symlink', linkname: 'wp-content/root/..' },
    ]);
    expectRefused(file, /^link target with \.\. after a name$/, 'wordpress/escape');
    // the case is real: GNU tar unpacks it and the link resolves to the directory above the release
    const release = unpack(file, 1);
    expect(fs.realpathSync.native(path.join(release, 'escape'))).toBe(path.dirname(release));
  });

  it('given a hard link to an absolute path, when checked, then it is refused naming the member', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/shadow', type: 'hardlink', linkname: '/etc/shadow' }]),
      /^link to an absolute path$/,
      'wordpress/shadow',
    );
  });

  it('given a hard link to a path above the release, when checked, then it is refused naming the member', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/other-config.php', type: 'hardlink', linkname: 'wordpress/../other/wp-config.php' }]),
      /^link leaving the release$/,
      'wordpress/other-config.php',
    );
  });

  it('given a hard link to a symlink inside the release, when checked, then it is refused (tar copies the symlink, whose target then resolves from the hard link)', () => {
    const file = archive([
      ...RELEASE,
      { name: 'wordpress/wp-content/themes/parent-config', type: 'symlink', linkname: '../../wp-config.php' },
      { name: 'wordpress/config-above', type: 'hardlink', linkname: 'wordpress/wp-content/themes/parent-config' },
    ]);
    expectRefused(file, /^hard link to a symbolic link$/, 'wordpress/config-above');
    // the case is real: GNU tar makes config-above a symlink to ../../wp-config.php, two levels above the release
    const release = unpack(file, 1);
    expect(fs.readlinkSync(path.join(release, 'config-above'))).toBe('../../wp-config.php');
  });

  it('given an entry below a symlink (extraction would write through it), when checked, then it is refused naming the entry', () => {
    expectRefused(
      archive([...RELEASE, { name: 'wordpress/wp-content/themes/current/evil.php', data: '<?php\n' }]),
      /^entry below a symbolic link$/,
      'wordpress/wp-content/themes/current/evil.php',
    );
  });

  it("given a symlink named with a trailing slash like a directory and an entry below it, when checked, then the entry is refused", () => {
    expectRefused(
      archive([
        ...RELEASE,
        { name: 'wordpress/wp-content/plugins/', type: 'symlink', linkname: 'themes' },
        { name: 'wordpress/wp-content/plugins/evil.php', data: '<?php\n' },
      ]),
      /^entry below a symbolic link$/,
      'wordpress/wp-content/plugins/evil.php',
    );
  });

  it.each([
    ['a character device', 'chardev', 'wordpress/null'],
    ['a block device', 'blockdev', 'wordpress/disk'],
    ['a fifo', 'fifo', 'wordpress/wp-content/pipe'],
  ] as const)('given %s, when checked, then it is refused naming the member', (_kind, type, name) => {
    expectRefused(archive([...RELEASE, { name, type }]), /^device, fifo or special file$/, name);
  });

  it('given a setuid file, when checked, then it is refused naming the member', () => {
    expectRefused(archive([...RELEASE, { name: 'wordpress/wp-content/run', data: '#!/bin/sh\n', mode: 0o4755 }]), /^setuid or setgid file$/, 'wordpress/wp-content/run');
  });

  it('given a setgid file, when checked, then it is refused naming the member', () => {
    expectRefused(archive([...RELEASE, { name: 'wordpress/wp-content/run', data: '#!/bin/sh\n', mode: 0o2755 }]), /^setuid or setgid file$/, 'wordpress/wp-content/run');
  });

  it('given a block that is no tar header in the middle (tarfile would stop there, GNU tar skips it and unpacks the rest), when checked, then it is refused', () => {
    const file = archive([...RELEASE, { raw: 'garbage' }, { name: 'wordpress/etc', type: 'symlink', linkname: '/etc' }]);
    expectRefused(file, /^not a readable tar archive: a bad header after entry \d+$/);
    const release = unpack(file, 1);
    expect(fs.readlinkSync(path.join(release, 'etc'))).toBe('/etc'); // what the check would have let through
  });

  it('given a hostile member after a zero block, when checked, then it is accepted and GNU tar, which stops there too, does not unpack it', () => {
    const file = archive([...RELEASE, { raw: 'zeros' }, { name: 'wordpress/etc', type: 'symlink', linkname: '/etc' }]);
    expect(check(file).verdict).toEqual({ ok: true, entries: RELEASE.length, strip: 1 });
    const release = unpack(file, 1);
    expect(fs.existsSync(path.join(release, 'index.php'))).toBe(true);
    expect(() => fs.lstatSync(path.join(release, 'etc'))).toThrow(/ENOENT/);
  });

  it('given an archive without entries, when checked, then it is refused', () => {
    expectRefused(archive([]), /^the archive is empty$/);
  });

  it('given a truncated gzip, when checked, then it is refused as not readable', () => {
    const whole = fs.readFileSync(archive([...RELEASE, { name: 'wordpress/wp-content/big.bin', random: 64 << 10 }]));
    const file = path.join(dir, 'truncated.tar.gz');
    fs.writeFileSync(file, whole.subarray(0, whole.length >> 1));
    expectRefused(file, /^not a readable tar archive: /);
  });

  it('given a gzip that holds no tar, or a file that is no archive at all, when checked, then it is refused as not readable', () => {
    const notTar = path.join(dir, 'not-tar.tar.gz');
    execFileSync('python3', ['-c', 'import gzip, sys; open(sys.argv[1], "wb").write(gzip.compress(b"<html>not a tar</html>\\n" * 100, mtime=0))', notTar]);
    expectRefused(notTar, /^not a readable tar archive: /);
    const text = path.join(dir, 'text.tar.gz');
    fs.writeFileSync(text, 'just some text\n'.repeat(100));
    expectRefused(text, /^not a readable tar archive: /);
  });

  it('given no archive argument, when run, then it exits 2 with its usage', () => {
    const r = spawnSync('python3', [SCRIPT], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: pl-archive-check\.py ARCHIVE/);
  });
});
