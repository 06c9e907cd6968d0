// Prints the plain closing line CI reads: "N passed, N failed[, N skipped]", from vitest's JSON report.
// A failed type-check or lint (--static-failed) counts as one failure so the line never reads green.
import { readFileSync, existsSync } from 'node:fs';

const [file, flag] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (file && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed =
    (report.numFailedTests ?? 0) +
    (report.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed += 1;
  console.log('no test report was written');
}
if (flag === '--static-failed') failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
