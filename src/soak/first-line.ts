import { reasonOf } from '../broker/errors.js';

/** The first line of an error's message, with any broker URL's password masked. */
export function firstLine(error: unknown): string {
  const message = reasonOf(error);
  return message.split('\n')[0] ?? message;
}
