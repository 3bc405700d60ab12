import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/** Random files for one run, in one temporary folder that `removeAll` deletes. */
export class TestFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'shoal-bench-'));
  private readonly made = new Map<number, string>();

  /** A file of `bytes` random bytes, streamed to disk (never whole in memory); one per size per run. */
  async ofSize(bytes: number): Promise<string> {
    const known = this.made.get(bytes);
    if (known) return known;
    const path = join(this.dir, `random-${bytes}.bin`);
    const out = createWriteStream(path);
    const chunk = 1024 * 1024;
    for (let written = 0; written < bytes; written += chunk) {
      if (!out.write(randomBytes(Math.min(chunk, bytes - written)))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    this.made.set(bytes, path);
    return path;
  }

  removeAll(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
