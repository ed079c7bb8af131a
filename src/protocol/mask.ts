/**
 * Hides the password of every URL in `text` (`amqp://user:***@host`), leaving the rest as written.
 * Works on text that is not a valid URL too, so a malformed parameter can be quoted in an error without
 * leaking what it contains. The password runs to the last `@` before the host, so a password that
 * itself holds an unescaped `@` is hidden in full.
 */
export function maskUrl(text: string): string {
  return text.replace(/\/\/([^/?#@:\s]*):[^/?#\s]*@/g, '//$1:***@');
}
