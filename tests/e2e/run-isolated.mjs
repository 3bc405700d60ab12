// Runs Playwright inside a fresh network namespace whose only interface is
// loopback, so WebRTC cannot gather (or pair with) any other address of this
// machine. Falls back to a plain run, with a warning, where unprivileged
// namespaces are not available.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
const probe = spawnSync('unshare', ['--net', '--map-root-user', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });

let result;
if (probe.status === 0) {
  result = spawnSync(
    'unshare',
    ['--net', '--map-root-user', 'sh', '-c', `ip link set lo up && exec npx playwright test ${quoted}`],
    { stdio: 'inherit' },
  );
} else {
  console.warn(
    'warning: cannot create a loopback-only network namespace (unshare/ip unavailable); ' +
      'running the browser tests in the host network. The loopback ICE assertion fails on machines with other interfaces.',
  );
  result = spawnSync('npx', ['playwright', 'test', ...args], { stdio: 'inherit' });
}
process.exit(result.status ?? 1);
