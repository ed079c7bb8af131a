import { expect } from 'chai';
import type openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { annotationOf, client, failedRecord, fixture, pollActivation, statusOf } from './support.js';

describe('localwhisk invoke through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let ow: openwhisk.Client;

  before(async function () {
    whisk = await startLocalWhisk({ payloadLimitBytes: 64 * 1024 });
    ow = client(whisk);
    await ow.actions.create({ name: 'hello', action: fixture('hello') });
    await ow.actions.create({ name: 'counter', action: fixture('counter') });
    await ow.actions.create({ name: 'outcomes', action: fixture('outcomes') });
    await ow.actions.create({ name: 'env', action: fixture('env') });
    await ow.actions.create({ name: 'init-fails', action: fixture('init-fails') });
    await ow.actions.create({ name: 'barrier', action: fixture('barrier'), limits: { concurrency: 3 } });
  });

  after(async function () {
    await whisk.close();
  });

  it('answers a blocking invoke with the whole record, logs and cold-start annotations', async function () {
    const record = await ow.actions.invoke({
      name: 'hello',
      blocking: true,
      params: { name: 'ada' },
    });
    expect(record.response?.status).to.equal('success');
    expect(record.response?.success).to.equal(true);
    expect(record.response?.result).to.deep.equal({ greeting: 'hello ada' });
    expect(record.name).to.equal('hello');
    expect(record.namespace).to.equal('guest');
    expect(record.activationId).to.match(/^[0-9a-f]{32}$/);
    expect(record.logs).to.have.length(2);
    expect(record.logs[0]).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout: greeting ada$/);
    expect(record.logs[1]).to.match(/Z stderr: to stderr$/);
    expect(annotationOf(record, 'path')).to.equal('guest/hello');
    expect(annotationOf(record, 'kind')).to.match(/^nodejs:\d+$/);
    expect(annotationOf(record, 'limits')).to.deep.equal({
      timeout: 60000,
      memory: 256,
      logs: 10,
      concurrency: 1,
    });
    expect(annotationOf(record, 'timeout')).to.equal(false);
    expect(annotationOf(record, 'waitTime')).to.be.a('number');
    expect(annotationOf(record, 'initTime')).to.be.a('number');
  });

  it('reuses a warm container: module state survives and no initTime is reported', async function () {
    const first = await ow.actions.invoke({ name: 'counter', blocking: true });
    const second = await ow.actions.invoke({ name: 'counter', blocking: true });
    expect(second.response?.result['pid']).to.equal(first.response?.result['pid']);
    expect(second.response?.result['calls']).to.equal(2);
    expect(annotationOf(first, 'initTime')).to.be.a('number');
    expect(annotationOf(second, 'initTime')).to.equal(undefined);
  });

  it('returns only the result with result=true', async function () {
    const result: unknown = await ow.actions.invoke({
      name: 'outcomes',
      blocking: true,
      result: true,
      params: { a: 1 },
    });
    expect(result).to.deep.equal({ ok: true, echo: { a: 1 } });
  });

  it('turns an undefined result into {}', async function () {
    const result: unknown = await ow.actions.invoke({
      name: 'outcomes',
      blocking: true,
      result: true,
      params: { mode: 'undefined' },
    });
    expect(result).to.deep.equal({});
  });

  it('answers a non-blocking invoke with 202 and an id whose record is 404 until the run finishes', async function () {
    const { activationId } = await ow.actions.invoke({ name: 'barrier', params: { expected: 2 } });
    expect(activationId).to.match(/^[0-9a-f]{32}$/);
    // The barrier cannot open with one activation, so this read is deterministic.
    const pending = await statusOf(ow.activations.get({ name: activationId }));
    expect(pending.statusCode).to.equal(404);
    await ow.actions.invoke({ name: 'barrier', params: { expected: 2 } });
    const record = await pollActivation(ow, activationId);
    expect(record.response?.success).to.equal(true);
    const result = await ow.activations.result({ name: activationId });
    expect(result).to.have.property('status', 'success');
    const logs = await ow.activations.logs({ name: activationId });
    expect(logs).to.deep.equal({ logs: [] });
  });

  it('runs several activations at once in one container when limits.concurrency > 1', async function () {
    const runs = [1, 2, 3].map(() =>
      ow.actions.invoke({ name: 'barrier', blocking: true, result: true, params: { expected: 3 } }),
    );
    const results = (await Promise.all(runs)) as { pid: number }[];
    expect(new Set(results.map((r) => r.pid)).size).to.equal(1);
  });

  it('answers 502 with an application error record for {error} and for a rejected promise', async function () {
    const record = await failedRecord(ow, 'outcomes', { mode: 'error' });
    expect(record.response?.status).to.equal('application error');
    expect(record.response?.result).to.deep.equal({ error: 'bad input' });

    const rejectedRecord = await failedRecord(ow, 'outcomes', { mode: 'reject' });
    expect(rejectedRecord.response?.status).to.equal('application error');
    expect(rejectedRecord.response?.result['error']).to.include({ name: 'Error', message: 'rejected' });
  });

  it('answers 502 with a developer error for a throw, a non-dictionary and a crash, and discards the container', async function () {
    const warm = await ow.actions.invoke({ name: 'outcomes', blocking: true });
    const thrown = await failedRecord(ow, 'outcomes', { mode: 'throw' });
    expect(thrown.response?.status).to.equal('action developer error');
    expect(thrown.response?.result).to.deep.equal({
      error: 'An error has occurred: Error: thrown',
    });
    const after = await ow.actions.invoke({ name: 'outcomes', blocking: true });
    expect(annotationOf(warm, 'initTime')).to.equal(undefined);
    expect(annotationOf(after, 'initTime'), 'a fresh container after the developer error').to.be.a('number');

    const notDict = await failedRecord(ow, 'outcomes', { mode: 'string' });
    expect(notDict.response?.result).to.deep.equal({
      error: 'The action did not return a dictionary.',
    });

    const crash = await failedRecord(ow, 'outcomes', { mode: 'crash' });
    expect(crash.response?.result).to.deep.equal({
      error: 'The action did not produce a valid response and exited unexpectedly.',
    });
  });

  it('reports an initialization failure as a developer error', async function () {
    const record = await failedRecord(ow, 'init-fails');
    expect(record.response?.status).to.equal('action developer error');
    expect(String(record.response?.result['error'])).to.match(
      /^Initialization has failed due to: Error: broken at load/,
    );
  });

  it('rejects a result larger than the limit', async function () {
    const big = await failedRecord(ow, 'outcomes', { mode: 'big', size: 100000 });
    expect(String(big.response?.result['error'])).to.match(/exceeded the allowed length: \d+ > 65536 bytes/);
  });

  it('sets the per-activation __OW_ variables, and __OW_API_KEY only with provide-api-key', async function () {
    const record = await ow.actions.invoke({ name: 'env', blocking: true });
    const env = record.response?.result ?? {};
    expect(env['__OW_ACTIVATION_ID']).to.equal(record.activationId);
    expect(env['__OW_ACTION_NAME']).to.equal('/guest/env');
    expect(env['__OW_NAMESPACE']).to.equal('guest');
    expect(env['__OW_API_HOST']).to.equal(whisk.apihost);
    expect(Number(env['__OW_DEADLINE'])).to.be.greaterThan(record.start);
    expect(env['__OW_TRANSACTION_ID']).to.be.a('string');
    expect(env).to.not.have.property('__OW_API_KEY');

    await ow.actions.update({
      name: 'env',
      action: fixture('env'),
      annotations: { 'provide-api-key': true },
    });
    const withKey: unknown = await ow.actions.invoke({ name: 'env', blocking: true, result: true });
    expect(withKey).to.have.property('__OW_API_KEY', whisk.auth);
  });

  it('merges invoke parameters over action and package parameters', async function () {
    await ow.packages.create({
      name: 'tools',
      package: {
        parameters: [
          { key: 'a', value: 'pkg' },
          { key: 'b', value: 'pkg' },
          { key: 'c', value: 'pkg' },
        ],
      },
    });
    await ow.actions.create({
      name: 'tools/echo',
      action: fixture('outcomes'),
      params: { b: 'action', c: 'action' },
    });
    const result: unknown = await ow.actions.invoke({
      name: 'tools/echo',
      blocking: true,
      result: true,
      params: { c: 'invoke' },
    });
    expect(result).to.deep.equal({ ok: true, echo: { a: 'pkg', b: 'action', c: 'invoke' } });
  });
});
