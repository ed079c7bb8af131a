import { expect } from 'chai';

import { startLocalWhisk } from '../../../src/localwhisk/index.js';
import { client, fixture } from './support.js';

describe('localwhisk at scale', function () {
  it('runs 1000 activations at the same time in one container when the concurrency is overridden', async function () {
    const whisk = await startLocalWhisk({ concurrencyOverride: 1000 });
    try {
      const ow = client(whisk);
      await ow.actions.create({ name: 'barrier', action: fixture('barrier') });
      // The barrier opens only when 1000 activations wait in the container: all of them run at once.
      const runs = Array.from({ length: 1000 }, () =>
        ow.actions.invoke({ name: 'barrier', blocking: true, result: true, params: { expected: 1000 } }),
      );
      const results = (await Promise.all(runs)) as { pid: number }[];
      expect(results).to.have.length(1000);
      expect(new Set(results.map((r) => r.pid)).size).to.equal(1);
    } finally {
      await whisk.close();
    }
  });
});
