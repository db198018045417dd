/**
 * A Jest reporter that ends the run with one line per failed test: its file, its name and the first
 * lines of its failure. Jest's own report prints every failure in full (diffs, code frames), so a CI log
 * cut to its head and tail keeps only the last failure; this digest keeps all of them readable there.
 */
class FailureDigestReporter {
  onRunComplete(_contexts, results) {
    const lines = [];
    for (const suite of results.testResults) {
      const file = suite.testFilePath.replace(`${process.cwd()}/`, '');
      if (suite.testExecError) lines.push(`${file}: the suite failed to run: ${firstLines(suite.testExecError.message)}`);
      for (const test of suite.testResults) {
        if (test.status === 'failed') lines.push(`${file} › ${test.fullName}: ${firstLines(test.failureMessages[0] ?? '')}`);
      }
    }
    if (lines.length === 0) return;
    process.stderr.write(`\nFailed tests (${lines.length}):\n${lines.map((l) => `  ✕ ${l}`).join('\n')}\n`);
  }
}

/** the first four non-empty lines (the matcher, expected and received), without colours, at most 400 characters */
function firstLines(text) {
  // eslint-disable-next-line no-control-regex
  const plain = String(text).replace(/\u001b\[[0-9;]*m/g, '');
  const line = plain.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).slice(0, 4).join(' | ');
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

module.exports = FailureDigestReporter;
