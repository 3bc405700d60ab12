import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of regular files under `dir` (their sizes, like `du --apparent-size`). */
export function du(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += du(path);
      else if (entry.isFile()) total += lstatSync(path).size;
    } catch (error) {
      // A live browser profile: journals and temp files come and go while we walk it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return total;
}
