/**
 * The test command: vitest, then the plain summary line CI reads
 * (`N passed, N failed, N skipped`), so a run that executed nothing shows as such.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { status: string; assertionResults: { status: string }[] }[];
}

const report = join(mkdtempSync(join(tmpdir(), 'uptake-test-')), 'report.json');
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);

let summary: VitestJson;
try {
  summary = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
} catch {
  console.log('0 passed, 1 failed, 0 skipped');
  console.error('vitest wrote no report: it did not run');
  process.exit(run.status || 1);
}
// A file that fails outside any test (an import or a beforeAll throws) fails no test of its own.
const failedFiles = summary.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
);
const failed = summary.numFailedTests + failedFiles.length;
console.log(`${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`);
process.exit(run.status ?? (failed > 0 ? 1 : 0));
