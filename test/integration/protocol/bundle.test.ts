import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadBundle } from '../../helpers/load-bundle.js';
import { listRunResources, onlyEndRecord } from '../../../src/soak/broker-resources.js';
import { runRound } from '../../helpers/round.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bundles = ['leader', 'slave'].map((name) => join(root, 'dist', `${name}.js`));

describe('action bundles loaded the way the OpenWhisk Node.js runtime loads plain code', function () {
  this.timeout(90_000);

  before(async () => {
    // CI builds before testing; a fresh checkout gets its bundles here.
    if (!bundles.every((file) => existsSync(file))) {
      await promisify(execFile)('npx', ['webpack', '--config', 'webpack.config.js'], { cwd: root });
    }
  });

  for (const file of bundles) {
    it(`${file.slice(root.length + 1)} exposes main as a global and through module.exports, and is self-contained`, async () => {
      const code = readFileSync(file, 'utf8');
      const before = (globalThis as { main?: unknown }).main;
      try {
        const action = loadBundle(code);
        expect((globalThis as { main?: unknown }).main).to.equal(action.main);
        // amqplib is bundled: only Node.js built-ins are required at run time.
        const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(required.filter((name) => !name?.startsWith('node:'))).to.deep.equal([]);
        // A bad parameter is answered before any broker work: an application error, not a throw.
        const answer = await action.main({ n: 0 });
        expect(answer).to.deep.include({ code: 'BAD_PARAM' });
        expect((answer as { error: string }).error).to.match(/^(leader|slave): n must be an integer/);
        await action.closeBrokerConnections?.();
      } finally {
        (globalThis as { main?: unknown }).main = before;
      }
    });
  }

  it('runs a whole leader + slaves round from the bundles', async () => {
    const r = await runRound({ n: 3, process: { bundle: true } });
    const lists = r.slaves.map((s) => (s as { list?: number[] }).list);
    expect(lists[0]).to.have.length(3);
    expect(lists[1]).to.deep.equal(lists[0]);
    expect(lists[2]).to.deep.equal(lists[0]);
    expect(Object.keys(r.leader)).to.deep.equal(['history']);
    expect(await listRunResources(r.runId)).to.deep.equal(onlyEndRecord(r.runId));
  });
});
