import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

import { UsageError } from './errors.js';

/**
 * Fails before a run, with a {@link UsageError}, when `file` (the value of `option`) could not be
 * written afterwards: its directory is missing or not writable, or it names a directory. Checking
 * up front spares the user a whole round whose history or plot would then be lost.
 */
export async function checkOutputFile(file: string, option: string): Promise<void> {
  const directory = dirname(file);
  const dir = await stat(directory).catch(() => undefined);
  if (dir === undefined) throw new UsageError(`${option}: directory ${directory} does not exist`);
  if (!dir.isDirectory()) throw new UsageError(`${option}: ${directory} is not a directory`);
  if ((await stat(file).catch(() => undefined))?.isDirectory() === true) {
    throw new UsageError(`${option}: ${file} is a directory`);
  }
  await access(directory, constants.W_OK).catch(() => {
    throw new UsageError(`${option}: directory ${directory} is not writable`);
  });
}
