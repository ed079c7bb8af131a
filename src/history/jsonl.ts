import { readFile, writeFile } from 'node:fs/promises';
import { HistoryFileError, HistoryFormatError } from './errors.js';
import type { HistoryEvent } from './event.js';
import { toHistoryEvent } from './validate.js';

/**
 * Parses JSONL history text: one event per line; blank lines are skipped.
 *
 * @param source Label used in error messages (usually the file name). Default: `history`.
 * @throws {HistoryFormatError} for the first line that is not JSON or not a valid event, naming its number.
 */
export function parseHistory(text: string, source?: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new HistoryFormatError(i + 1, 'not valid JSON', source);
    }
    try {
      events.push(toHistoryEvent(parsed));
    } catch (err) {
      throw new HistoryFormatError(i + 1, (err as Error).message, source);
    }
  }
  return events;
}

/** Serialises events as JSONL: one compact JSON object per line, each line ending in `\n`. */
export function formatHistory(events: readonly HistoryEvent[]): string {
  return events.map((e) => JSON.stringify(e) + '\n').join('');
}

/**
 * Reads and parses a JSONL history file.
 *
 * @throws {HistoryFileError} when the file cannot be read; {@link HistoryFormatError} when a line is malformed.
 */
export async function readHistoryFile(path: string): Promise<HistoryEvent[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HistoryFileError(path, describeFsError(err));
  }
  return parseHistory(text, path);
}

/**
 * Writes events to a JSONL file, replacing it.
 *
 * @throws {HistoryFileError} when the file cannot be written.
 */
export async function writeHistoryFile(path: string, events: readonly HistoryEvent[]): Promise<void> {
  try {
    await writeFile(path, formatHistory(events), 'utf8');
  } catch (err) {
    throw new HistoryFileError(path, describeFsError(err));
  }
}

/**
 * Merges the events recorded by several parties into one history ordered by `t`. The sort is stable:
 * events with equal times keep the order of the arguments and, within one argument, their own order,
 * so one party's events never swap places.
 */
export function mergeHistories(...parts: readonly (readonly HistoryEvent[])[]): HistoryEvent[] {
  return parts.flat().sort((a, b) => a.t - b.t);
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
};

/** A short reason for a failed file operation: a plain phrase for common codes, else the code or message. */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return FS_REASONS[code] ?? code;
  return err instanceof Error ? err.message : String(err);
}
