import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { unzipSync } from 'fflate';

/**
 * Unpacks a zip action (base64) into a fresh directory of its own, as the Node.js runtime unpacks one per
 * container, and returns the directory. Throws with a one-line message for an archive that is not a zip
 * or has an entry outside its root; the directory is then already removed.
 */
export function unpackZipAction(base64: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'localwhisk-action-'));
  try {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(Buffer.from(base64.trim(), 'base64'));
    } catch (error) {
      throw new Error(`the action's code is not a valid zip archive (${(error as Error).message})`, {
        cause: error,
      });
    }
    for (const [name, data] of Object.entries(files)) {
      const target = path.resolve(dir, name);
      if (target !== dir && !target.startsWith(dir + path.sep)) {
        throw new Error(`the zip entry '${name}' lies outside the archive's root`);
      }
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    return dir;
  } catch (error) {
    removeUnpacked(dir);
    throw error;
  }
}

/** Removes a directory made by {@link unpackZipAction}; never throws. */
export function removeUnpacked(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
