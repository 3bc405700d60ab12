// Runs a command inside a fresh network namespace whose only interface is
// loopback, so WebRTC cannot gather (or pair with) any other address of this
// machine and nothing can reach beyond it. Falls back to a plain run, with a
// warning, where unprivileged namespaces are not available.
//
//   node tests/support/in-loopback-netns.mjs <command> [args...]
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tests/support/in-loopback-netns.mjs <command> [args...]');
  process.exit(2);
}

const probe = spawnSync('unshare', ['--net', '--map-root-user', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });

let result;
if (probe.status === 0) {
  // The command and its arguments pass through "$@", so nothing is re-parsed by the shell.
  result = spawnSync(
    'unshare',
    ['--net', '--map-root-user', 'sh', '-c', 'ip link set lo up && exec "$@"', 'in-loopback-netns', command, ...args],
    { stdio: 'inherit' },
  );
} else {
  console.warn(
    'warning: cannot create a loopback-only network namespace (unshare/ip unavailable); ' +
      `running "${command}" in the host network, where WebRTC may also use other interfaces.`,
  );
  result = spawnSync(command, args, { stdio: 'inherit' });
}
if (result.error) console.error(`in-loopback-netns: ${result.error.message}`);
process.exit(result.status ?? 1);
