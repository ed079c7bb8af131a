import { execFileSync } from 'node:child_process';

import { expect } from 'chai';
import type openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { annotationOf, client, failedRecord, fixture, processExists, statusOf } from './support.js';

type Record_ = openwhisk.Activation<openwhisk.Dict>;

/** Container processes that are children of this process, read from `ps`. */
function runnerChildren(): string[] {
  return execFileSync('ps', ['-eo', 'ppid=,pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([ppid, , ...args]) => Number(ppid) === process.pid && args.join(' ').includes('container/runner.mjs'),
    )
    .map(([, pid]) => pid ?? '');
}

describe('localwhisk limits, faults and shutdown', function () {
  describe('per-action limits', function () {
    let whisk: LocalWhisk;
    let ow: openwhisk.Client;

    before(async function () {
      whisk = await startLocalWhisk();
      ow = client(whisk);
      await ow.actions.create({ name: 'fast', action: fixture('outcomes'), limits: { timeout: 200 } });
      await ow.actions.create({ name: 'small', action: fixture('outcomes'), limits: { memory: 128 } });
      await ow.actions.create({ name: 'sleepy', action: fixture('outcomes') });
    });

    after(async function () {
      await whisk.close();
    });

    it('kills a run past its time limit with OpenWhisk’s message and removes the container', async function () {
      await ow.actions.invoke({ name: 'fast', blocking: true });
      const [container] = whisk.containers().filter((c) => c.action === '/guest/fast');
      expect(container).to.not.equal(undefined);
      const record = await failedRecord(ow, 'fast', { mode: 'loop' });
      expect(record.response?.status).to.equal('action developer error');
      expect(record.response?.result).to.deep.equal({
        error: 'The action exceeded its time limits of 200 milliseconds.',
      });
      expect(annotationOf(record, 'timeout')).to.equal(true);
      expect(processExists(container!.pid)).to.equal(false);
    });

    it('aborts a run that exceeds its memory limit', async function () {
      const record = await failedRecord(ow, 'small', { mode: 'memory' });
      expect(record.response?.status).to.equal('action developer error');
      expect(record.response?.result).to.deep.equal({
        error: 'The action exhausted its memory and was aborted.',
      });
    });

    it('ends the runs of a container killed from outside as developer errors', async function () {
      await ow.actions.invoke({ name: 'sleepy', blocking: true }); // warm: the next run starts without init
      const { activationId } = await ow.actions.invoke({
        name: 'sleepy',
        params: { mode: 'sleep', ms: 60000 },
      });
      let container = whisk.containers().find((c) => c.activations.includes(activationId));
      for (let i = 0; i < 200 && container === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        container = whisk.containers().find((c) => c.activations.includes(activationId));
      }
      expect(container, 'the container running the activation').to.not.equal(undefined);
      process.kill(container!.pid, 'SIGKILL');
      let record: Record_ | undefined;
      for (let i = 0; i < 200 && record === undefined; i++) {
        record = await ow.activations.get({ name: activationId }).catch(() => undefined);
        if (record === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(record?.response?.status).to.equal('action developer error');
      expect(record?.response?.result).to.deep.equal({
        error: 'The action did not produce a valid response and exited unexpectedly.',
      });
    });
  });

  describe('namespace throttles', function () {
    it('answers 429 past the concurrent activations allowed', async function () {
      const whisk = await startLocalWhisk({ maxConcurrent: 2 });
      try {
        const ow = client(whisk);
        await ow.actions.create({ name: 'barrier', action: fixture('barrier'), limits: { concurrency: 3 } });
        await ow.actions.invoke({ name: 'barrier', params: { expected: 3 } });
        await ow.actions.invoke({ name: 'barrier', params: { expected: 3 } });
        const refused = await statusOf(ow.actions.invoke({ name: 'barrier', params: { expected: 3 } }));
        expect(refused.statusCode).to.equal(429);
        expect(refused.error).to.have.property(
          'error',
          'Too many concurrent requests in flight (count: 2, allowed: 2).',
        );
      } finally {
        await whisk.close();
      }
    });

    it('answers 429 past the invocations per minute allowed', async function () {
      const whisk = await startLocalWhisk({ maxPerMinute: 2 });
      try {
        const ow = client(whisk);
        await ow.actions.create({ name: 'hello', action: fixture('hello') });
        let refused: { statusCode: number; error: unknown } | undefined;
        // A minute boundary between calls resets the count once; five calls still must see a refusal.
        for (let i = 0; i < 5 && refused === undefined; i++) {
          refused = await ow.actions.invoke({ name: 'hello', blocking: true }).then(
            () => undefined,
            (error: unknown) => error as { statusCode: number; error: unknown },
          );
        }
        expect(refused?.statusCode).to.equal(429);
        expect(refused?.error).to.have.property(
          'error',
          'Too many requests in the last minute (count: 2, allowed: 2).',
        );
      } finally {
        await whisk.close();
      }
    });
  });

  describe('close()', function () {
    it('stops every container, stopped ones included, answers pending callers and leaves no process', async function () {
      const whisk = await startLocalWhisk({ prewarmContainers: 2 });
      const ow = client(whisk);
      await ow.actions.create({ name: 'barrier', action: fixture('barrier'), limits: { concurrency: 2 } });
      await ow.actions.create({ name: 'hello', action: fixture('hello') });
      await ow.actions.invoke({ name: 'hello', blocking: true });
      const pending = statusOf(
        ow.actions.invoke({ name: 'barrier', blocking: true, params: { expected: 5 } }),
      );
      let containers = whisk.containers();
      for (let i = 0; i < 200 && !containers.some((c) => c.action === '/guest/barrier'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        containers = whisk.containers();
      }
      expect(containers.length).to.be.at.least(2);
      const stopped = containers.find((c) => c.action === '/guest/hello')!;
      process.kill(stopped.pid, 'SIGSTOP');
      await whisk.close();
      for (const { pid } of containers) expect(processExists(pid), `container ${pid}`).to.equal(false);
      const answer = await pending;
      expect(answer.statusCode).to.equal(500);
      expect((answer.error as Record_).response?.status).to.equal('whisk internal error');
      expect(whisk.containers()).to.deep.equal([]);
      expect(
        runnerChildren(),
        'container processes of this test process, prewarmed ones included',
      ).to.deep.equal([]);
    });

    it('also stops a container that was still starting when close() was called', async function () {
      const whisk = await startLocalWhisk({ prewarmContainers: 0 });
      const ow = client(whisk);
      await ow.actions.create({ name: 'hello', action: fixture('hello') });
      // Accepted at once; its container (a new Node.js process) takes tens of milliseconds to come up.
      await ow.actions.invoke({ name: 'hello' });
      await whisk.close();
      expect(runnerChildren(), 'container processes of this test process').to.deep.equal([]);
    });
  });
});
