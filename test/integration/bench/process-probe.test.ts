import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

import { BrokerError } from '../../../src/broker/errors.js';
import { measureProcessRoundTrip } from '../../../src/bench/process-probe.js';
import { AMQP_URL } from '../../helpers/round.js';

const run = promisify(execFile);

async function probeQueues(): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', 'name'], { timeout: 30_000 });
  return stdout.split('\n').filter((name) => /^wsync\.bench-.*\.peer-(in|out)$/.test(name.trim()));
}

async function echoPeers(): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid,args']);
  return stdout.split('\n').filter((line) => line.includes('echo-peer'));
}

describe('measureProcessRoundTrip (real broker, a real child process)', function () {
  this.timeout(60_000);

  it('measures the asked number of signed round trips and leaves no queue and no process behind', async () => {
    const queuesBefore = await probeQueues();
    const figures = await measureProcessRoundTrip(AMQP_URL, 40, 30_000, 5);
    expect(figures.count).to.equal(40);
    expect(figures.p50).to.be.greaterThan(0);
    expect(figures.p50).to.be.at.most(figures.p90);
    expect(figures.p90).to.be.at.most(figures.p99);
    expect(await probeQueues()).to.deep.equal(queuesBefore);
    expect(await echoPeers()).to.deep.equal([]);
  });

  it('fails with a BrokerError, not a hang, when the broker cannot be reached', async () => {
    const error: unknown = await measureProcessRoundTrip('amqp://guest:guest@127.0.0.1:1', 10, 5000).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(BrokerError);
    expect((error as BrokerError).message).to.match(/could not connect to the broker/);
  });
});
