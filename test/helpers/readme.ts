import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './cli-child.js';

/**
 * The first code block fenced as `lang` in the README section headed `## <section>`, exactly as
 * written there: tests run the documentation itself, so it cannot drift from the code.
 */
export function readmeCodeBlock(section: string, lang: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${section}"`);
  const next = readme.indexOf('\n## ', start + 1);
  const body = readme.slice(start, next < 0 ? undefined : next);
  const block = new RegExp('\\n```' + lang + '\\n([\\s\\S]*?)\\n```\\n').exec(body);
  if (block?.[1] === undefined) throw new Error(`README.md section "${section}" has no \`\`\`${lang} block`);
  return `${block[1]}\n`;
}
