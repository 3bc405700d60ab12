import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { jsonLogger } from './log.ts';
import { createSignalingServer } from './server.ts';

const EXIT_BAD_CONFIG = 2;

function readConfig(): Config {
  try {
    return parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`shoal: ${error.message}`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = jsonLogger(config.logLevel, (text) => console.log(text));
  let staticDir = config.staticDir;
  if (staticDir !== null && !existsSync(join(staticDir, 'index.html'))) {
    console.error(`shoal: no built site at ${staticDir} — run \`npm run build\` first (or \`npm start\`). Serving signaling only.`);
    staticDir = null;
  }

  const server = await createSignalingServer({ ...config, staticDir, log }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? ` (port ${config.port} is in use; try --port or PORT=)` : '';
    console.error(`shoal: cannot start: ${error.message}${hint}`);
    process.exit(1);
  });

  // The configuration minus anything secret: the TURN secret and Redis credentials stay out of logs.
  log({
    level: 'info',
    msg: 'listening',
    url: server.url,
    site: staticDir,
    limits: config.limits,
    origins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    turn: config.turn !== null,
    redis: config.redis !== null,
  });
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  console.log(`Shoal running at http://${wildcard ? 'localhost' : config.host}:${server.port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log({ level: 'info', msg: 'shutting down', signal });
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        log({ level: 'error', msg: 'shutdown failed', error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
