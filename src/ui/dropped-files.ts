import type { ShareInputFile } from '../app-model.ts';

/**
 * Collects the files of a drop, descending into dropped folders and keeping
 * each file's path relative to the drop ('holiday/img_01.jpg').
 *
 * The entries must be taken from `items` synchronously inside the drop event
 * (the DataTransfer is emptied once the handler returns), hence two steps:
 * `takeDroppedEntries` in the handler, `readDroppedEntries` afterwards.
 */
export type DroppedEntry = { kind: 'entry'; entry: FileSystemEntry } | { kind: 'file'; file: File };

export function takeDroppedEntries(transfer: DataTransfer): DroppedEntry[] {
  const taken: DroppedEntry[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) {
      taken.push({ kind: 'entry', entry });
      continue;
    }
    // Browsers without the entries API still hand over plain files.
    const file = item.getAsFile();
    if (file) taken.push({ kind: 'file', file });
  }
  return taken;
}

export async function readDroppedEntries(entries: DroppedEntry[]): Promise<ShareInputFile[]> {
  const out: ShareInputFile[] = [];
  for (const dropped of entries) {
    if (dropped.kind === 'file') out.push({ file: dropped.file, path: dropped.file.name });
    else await walk(dropped.entry, dropped.entry.name, out);
  }
  return out;
}

async function walk(entry: FileSystemEntry, path: string, out: ShareInputFile[]): Promise<void> {
  if (isFile(entry)) {
    out.push({ file: await fileOf(entry), path });
    return;
  }
  if (!isDirectory(entry)) return;
  for (const child of await allChildren(entry)) await walk(child, `${path}/${child.name}`, out);
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** readEntries returns at most ~100 entries per call; keep reading until an empty batch. */
async function allChildren(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    // Code-unit order, not locale order: the same folder must give the same share everywhere.
    if (batch.length === 0) return children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    children.push(...batch);
  }
}
