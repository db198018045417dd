import fc from 'fast-check';
import { backupsToPrune, isoWeek, localDate, RetentionCandidate } from '../../../src/domain/site/backup-retention';
import type { RetentionPolicy } from '../../../src/domain/site/backup-schedule';

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, ...p });
const scheduled = (id: string, takenAt: string, state = 'completed'): RetentionCandidate => ({ id, takenAt, state, purpose: 'scheduled' });

describe('backup retention (restic keep rules)', () => {
  it('given five scheduled backups and keepLast 2, when pruned, then the three oldest go, oldest first', () => {
    const backups = ['01', '02', '03', '04', '05'].map((d) => scheduled(`b${d}`, `2026-03-${d}T02:00:00.000Z`));
    expect(backupsToPrune(backups, policy({ keepLast: 2 }))).toEqual(['b01', 'b02', 'b03']);
  });

  it('given several backups a day, when keepDaily 2, then the newest of each of the two newest days with a backup stays', () => {
    const backups = [
      scheduled('a', '2026-03-01T01:00:00.000Z'),
      scheduled('b', '2026-03-01T13:00:00.000Z'),
      // no backup on 2026-03-02: that day does not count
      scheduled('c', '2026-03-03T01:00:00.000Z'),
      scheduled('d', '2026-03-03T13:00:00.000Z'),
    ];
    expect(backupsToPrune(backups, policy({ keepDaily: 2 }))).toEqual(['a', 'c']);
  });

  it('given backups over weeks and months, when keepWeekly 2 and keepMonthly 2, then the newest of each bucket stays (ISO weeks start Monday)', () => {
    const backups = [
      scheduled('jan', '2026-01-15T02:00:00.000Z'),
      scheduled('feb-a', '2026-02-20T02:00:00.000Z'),
      scheduled('feb-sun', '2026-03-01T02:00:00.000Z'), // Sunday of ISO week 9
      scheduled('mon', '2026-03-02T02:00:00.000Z'), // Monday: week 10
      scheduled('tue', '2026-03-03T02:00:00.000Z'),
    ];
    expect(backupsToPrune(backups, policy({ keepWeekly: 2 }))).toEqual(['jan', 'feb-a', 'mon']);
    expect(backupsToPrune(backups, policy({ keepMonthly: 2 }))).toEqual(['jan', 'feb-sun', 'mon']); // feb-sun is March 1st
  });

  it('given a time zone, when keepDaily, then days are the zone’s local days', () => {
    // 23:30 UTC on the 1st is already the 2nd in Berlin (UTC+1 in winter)
    const backups = [scheduled('x', '2026-01-01T22:30:00.000Z'), scheduled('y', '2026-01-01T23:30:00.000Z')];
    expect(backupsToPrune(backups, policy({ keepDaily: 1 }), 'UTC')).toEqual(['x']);
    expect(backupsToPrune(backups, policy({ keepDaily: 5 }), 'Europe/Berlin')).toEqual([]);
    expect(localDate('2026-01-01T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-01-02');
  });

  it('given operator, pre-restore, running and failed backups, when pruned, then none of them is ever deleted', () => {
    const backups: RetentionCandidate[] = [
      { id: 'op', takenAt: '2026-01-01T00:00:00.000Z', state: 'completed', purpose: 'operator' },
      { id: 'pre', takenAt: '2026-01-02T00:00:00.000Z', state: 'completed', purpose: 'pre-restore' },
      scheduled('run', '2026-01-03T00:00:00.000Z', 'running'),
      scheduled('bad', '2026-01-04T00:00:00.000Z', 'failed'),
      scheduled('s1', '2026-01-05T00:00:00.000Z'),
      scheduled('s2', '2026-01-06T00:00:00.000Z'),
    ];
    expect(backupsToPrune(backups, policy({ keepLast: 1 }))).toEqual(['s1']);
  });

  it('names ISO weeks across the year boundary', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeek('2027-01-01')).toBe('2026-W53'); // a Friday
    expect(isoWeek('2024-12-30')).toBe('2025-W01'); // a Monday
  });

  describe('properties', () => {
    const candidate = fc.record({
      id: fc.uuid(),
      takenAt: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString()),
      state: fc.constantFrom('completed', 'completed', 'completed', 'failed', 'running'),
      purpose: fc.constantFrom('scheduled', 'scheduled', 'scheduled', 'operator', 'pre-restore'),
    });
    const backupsArb = fc.uniqueArray(candidate, { selector: (b) => b.id, maxLength: 60 });
    const policyArb = fc
      .record({ keepLast: fc.nat(5), keepDaily: fc.nat(7), keepWeekly: fc.nat(5), keepMonthly: fc.nat(4) })
      .filter((p) => p.keepLast + p.keepDaily + p.keepWeekly + p.keepMonthly > 0);
    const zoneArb = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata');

    it('never deletes the newest succeeded backup', () => {
      fc.assert(
        fc.property(backupsArb, policyArb, zoneArb, (backups, p, zone) => {
          const succeeded = backups.filter((b) => b.state === 'completed').sort((a, b) => (a.takenAt === b.takenAt ? (a.id < b.id ? 1 : -1) : a.takenAt < b.takenAt ? 1 : -1));
          if (succeeded.length === 0) return;
          expect(backupsToPrune(backups, p, zone)).not.toContain(succeeded[0].id);
        }),
      );
    });

    it('deletes only completed scheduled backups, and none that a single rule of the policy keeps', () => {
      fc.assert(
        fc.property(backupsArb, policyArb, zoneArb, (backups, p, zone) => {
          const deleted = new Set(backupsToPrune(backups, p, zone));
          for (const b of backups) if (deleted.has(b.id)) expect([b.purpose, b.state]).toEqual(['scheduled', 'completed']);
          const rules: Partial<RetentionPolicy>[] = [{ keepLast: p.keepLast }, { keepDaily: p.keepDaily }, { keepWeekly: p.keepWeekly }, { keepMonthly: p.keepMonthly }];
          for (const rule of rules) {
            if (Object.values(rule)[0] === 0) continue;
            const deletedByRule = new Set(backupsToPrune(backups, policy(rule), zone));
            const keptByRule = backups.filter((b) => b.purpose === 'scheduled' && b.state === 'completed' && !deletedByRule.has(b.id));
            for (const b of keptByRule) expect(deleted.has(b.id)).toBe(false);
          }
        }),
      );
    });

    it('is idempotent: pruning what is left deletes nothing more', () => {
      fc.assert(
        fc.property(backupsArb, policyArb, zoneArb, (backups, p, zone) => {
          const deleted = new Set(backupsToPrune(backups, p, zone));
          expect(backupsToPrune(backups.filter((b) => !deleted.has(b.id)), p, zone)).toEqual([]);
        }),
      );
    });
  });
});
