// Sums the counts from the Vitest and Playwright JSON reports into the one line CI reads.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test-results';
let passed = 0;
let failed = 0;

const unit = join(dir, 'unit-results.json');
if (existsSync(unit)) {
  const report = JSON.parse(readFileSync(unit, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that failed to load has no tests but must still count as a failure.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} else {
  failed += 1;
}

const e2e = join(dir, 'e2e-results.json');
if (existsSync(e2e)) {
  const stats = JSON.parse(readFileSync(e2e, 'utf8')).stats;
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
} else if (existsSync(unit)) {
  // Typecheck or unit tests stopped the run before the browser tests: count them as not passed.
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
