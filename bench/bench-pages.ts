import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchPages {
  /** The page with window.rawBench, hashBench, storageBench and connectionsBench. */
  url: string;
  close(): Promise<void>;
}

/**
 * Vite's dev server on a free loopback port, rooted at the repository, so the
 * bench pages import `hash-wasm` and `src/chunks/*` as the app does. No config
 * file: the app's PWA plugin has no business here. The dependencies are
 * pre-bundled up front; discovering them mid-run would reload the page.
 */
export async function startBenchPages(): Promise<BenchPages> {
  const server = await createServer({
    root: REPO_ROOT,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { entries: ['bench/pages/index.html'], include: ['hash-wasm', 'idb-keyval'] },
    worker: { format: 'es' },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/bench/pages/index.html`, close: () => server.close() };
}

/** Waits until the bench page's modules have run. */
export const BENCH_PAGE_READY = 'window.rawBench && window.hashBench && window.storageBench && window.connectionsBench';
