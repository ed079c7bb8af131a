// The "Using the library" example of the README, run as written (the package name resolves to src/
// through tsconfig paths), so the documentation cannot drift from the code.
import { expect } from 'chai';
import { join } from 'node:path';

import {
  closeBrokerConnections,
  createRunCredentials,
  deployManifest,
  FunctionExecutor,
  loadManifest,
} from 'whisk-sync';
import type { SlaveResult } from 'whisk-sync';

import { ensureBundles } from '../../../src/run/bundles.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://localhost';

describe('README: using the library', function () {
  before(async function () {
    await ensureBundles(ROOT);
  });
  after(async function () {
    await closeBrokerConnections();
  });

  it('deploys, runs a leader and three slaves, and every slave returns the same list', async function () {
    const fexec = new FunctionExecutor({ target: 'local' });
    let lists: unknown[][];
    try {
      const target = await fexec.ready();
      await deployManifest(target.client!, loadManifest(join(ROOT, 'manifest.yaml')));

      const { runId, signingKey } = createRunCredentials();
      const common = { n: 3, runId, signingKey, amqpUrl: AMQP_URL };
      const leader = await fexec.callAsync('whisk-sync/leader', common);
      const slaves = await fexec.map<SlaveResult>('whisk-sync/slave', [{ id: 0 }, { id: 1 }, { id: 2 }], {
        extraParams: common,
      });
      const results = await fexec.getResult(slaves, { timeoutMs: 120_000 });
      expect(await leader.result()).to.deep.equal({});
      lists = results.map((r) => r.list);
    } finally {
      await fexec.close();
    }
    expect(lists).to.have.length(3);
    expect(lists[0]).to.have.length(3);
    expect(lists[1]).to.deep.equal(lists[0]);
    expect(lists[2]).to.deep.equal(lists[0]);
  });
});
