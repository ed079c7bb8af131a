/**
 * The README's examples give the OpenWhisk API key through the environment or the properties file:
 * npm prints a script's command line, so a key passed as `--auth` to map or deploy would be shown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { ROOT } from '../../helpers/cli-child.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README: API keys in examples', () => {
  it('passes no key on the command line of map or deploy', () => {
    const offending = README.split('\n').filter((line) =>
      /(npm run (map|deploy)|npx whisk-sync (map|deploy))\b.*--auth\s+\S/.test(line),
    );
    expect(offending).to.deep.equal([]);
  });

  it('shows the environment and the properties file instead, and says why', () => {
    expect(README).to.contain('read -rs __OW_API_KEY && export __OW_API_KEY');
    expect(README).to.match(/`AUTH=…` lines in\s+`~\/\.wskprops`/);
    expect(README).to.match(/npm prints a script's\s+whole command line/);
  });
});
