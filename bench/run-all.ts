/**
 * `npm run bench`: runs every benchmark in this process, one after the other, and rewrites the
 * generated section of docs/benchmarks.md. Benchmarks report numbers; they never fail on speed.
 * Optional args pick benchmarks by id prefix: `npm run bench -- job-claim` (printed, docs untouched).
 */
import { join } from 'node:path';
import { cleanupTemp } from './support/env';
import { renderSections, writeReport, type BenchSection } from './support/report';
import { log, nowMs } from './support/timing';
import * as commandPath from './command-path.bench';
import * as projectionRebuild from './projection-rebuild.bench';
import * as jobClaim from './job-claim.bench';
import * as sitesListHttp from './sites-list-http.bench';
import * as remoteRun from './remote-run.bench';
import * as pages from './pages.bench';
import * as siteOps from './site-ops.bench';

const ALL: { id: string; run: () => Promise<BenchSection> }[] = [
  { id: 'command-path', run: commandPath.run },
  { id: 'projection-rebuild', run: projectionRebuild.run },
  { id: 'job-claim', run: jobClaim.run },
  { id: 'sites-list-http', run: sitesListHttp.run },
  { id: 'remote-run', run: remoteRun.run },
  { id: 'pages', run: pages.run },
  { id: 'site-ops', run: siteOps.run },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const picked = only.length ? ALL.filter((b) => only.some((o) => b.id.startsWith(o))) : ALL;
  const t0 = nowMs();
  const sections: BenchSection[] = [];
  try {
    for (const b of picked) {
      log(`— ${b.id}`);
      sections.push(await b.run());
    }
  } finally {
    cleanupTemp();
  }
  const report = renderSections(sections, (nowMs() - t0) / 1000);
  if (picked.length < ALL.length) {
    // docs/benchmarks.md holds one whole run (one machine state): a partial run only prints its sections
    process.stdout.write(`${report}\n`);
    return;
  }
  const file = join(__dirname, '..', 'docs', 'benchmarks.md');
  writeReport(file, report);
  log(`wrote ${file} (${((nowMs() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
