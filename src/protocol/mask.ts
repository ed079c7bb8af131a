/**
 * Hides the password of a URL (`amqp://user:***@host`). Works on text that is not a valid URL too,
 * so a malformed parameter can be quoted in an error without leaking what it contains.
 */
export function maskUrl(text: string): string {
  return text.replace(/\/\/([^/@:\s]*):[^/@\s]*@/g, '//$1:***@');
}
