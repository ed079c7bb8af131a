import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

import { UsageError } from './errors.js';
import { describeFsError } from '../history/jsonl.js';

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

/**
 * Writes one output file of a finished run (`write` does the writing). Returns undefined when it was
 * written, else one line naming the option, the file and the reason, for the caller to print after
 * the run's result: a file that cannot be written must not throw the result away.
 */
export async function writeOutputFile(
  file: string,
  option: string,
  write: () => Promise<void>,
): Promise<string | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    const reason = describeFsError(error);
    const detail = typeof code === 'string' && code !== reason ? `${reason} (${code})` : reason;
    return `${option}: could not write ${file}: ${detail}; the result above is complete`;
  }
}
