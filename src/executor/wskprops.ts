/**
 * Parses the wsk CLI's properties file (`~/.wskprops`): one `KEY=VALUE` per line, `#` comments, blank
 * lines ignored. Values keep any `=` after the first one; surrounding whitespace is dropped.
 */
export function parseWskprops(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return props;
}
