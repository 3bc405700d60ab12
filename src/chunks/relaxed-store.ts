import type { UseStore } from 'idb-keyval';

/**
 * An idb-keyval store whose write transactions commit with `relaxed`
 * durability: the commit event fires once the browser has handed the data to
 * the operating system, without waiting for it to reach the disk (`fsync`).
 * Chromium's default waits, which made the first piece a downloader stores
 * cost 30–250 ms and every later batch a disk flush.
 *
 * Only for data the swarm can fetch again: a power cut may lose the last few
 * transactions, but never leaves one half-written (a piece and its key go
 * together), so after a restart those pieces are simply missing and are
 * downloaded again. A crashed tab loses nothing.
 *
 * Like idb-keyval's `createStore`, it opens the database on first use and
 * reopens it if the browser closes the connection; unlike it, it gives way
 * when another connection deletes or upgrades the database (an open
 * connection would block that forever). What happens next depends on
 * `ifExists`: by default later calls fail, so nothing recreates what was
 * deleted; with `ifExists` the store never creates the database, so later
 * calls open it afresh and fail only if it is gone.
 */
export function relaxedStore(dbName: string, storeName: string, { ifExists = false } = {}): UseStore {
  let opening: Promise<IDBDatabase> | undefined;
  const database = (): Promise<IDBDatabase> => {
    if (opening) return opening;
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => {
      // Aborting the upgrade fails the open and leaves no database behind.
      if (ifExists) request.transaction!.abort();
      else request.result.createObjectStore(storeName);
    };
    const opened = new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    opening = opened;
    opened.then(
      (db) => {
        // Closed by the browser (e.g. storage cleared): open afresh next time.
        db.onclose = () => {
          if (opening === opened) opening = undefined;
        };
        // Another connection deletes or upgrades the database: give way.
        db.onversionchange = () => {
          db.close();
          if (ifExists && opening === opened) opening = undefined;
        };
      },
      () => {
        if (opening === opened) opening = undefined;
      },
    );
    return opened;
  };
  return async (mode, callback) => {
    const db = await database();
    return callback(db.transaction(storeName, mode, { durability: 'relaxed' }).objectStore(storeName));
  };
}
