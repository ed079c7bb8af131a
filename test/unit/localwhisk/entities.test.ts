import { expect } from 'chai';

import { actionFromBody } from '../../../src/localwhisk/entities.js';
import { HttpError } from '../../../src/localwhisk/errors.js';

const where = { namespace: 'guest', name: 'a', packageName: undefined };

describe('localwhisk action bodies', function () {
  it('fills OpenWhisk’s default limits and main', function () {
    const doc = actionFromBody({ exec: { kind: 'nodejs:20', code: 'function main(){}' } }, where, undefined);
    expect(doc.limits).to.deep.equal({ timeout: 60000, memory: 256, logs: 10, concurrency: 1 });
    expect(doc.exec.main).to.equal('main');
    expect(doc.version).to.equal('0.0.1');
    expect(doc.concurrencySet).to.equal(false);
  });

  it('keeps what an update leaves out and bumps the version', function () {
    const first = actionFromBody(
      { exec: { kind: 'nodejs:20', code: 'x' }, limits: { timeout: 500 } },
      where,
      undefined,
    );
    const second = actionFromBody({ limits: { concurrency: 5 } }, where, first);
    expect(second.exec.code).to.equal('x');
    expect(second.limits).to.include({ timeout: 500, concurrency: 5 });
    expect(second.version).to.equal('0.0.2');
    expect(second.concurrencySet).to.equal(true);
  });

  it('refuses limits out of range, other kinds and entry points that are not names', function () {
    const bad = (body: unknown): HttpError => {
      try {
        actionFromBody(body, where, undefined);
      } catch (error) {
        if (error instanceof HttpError) return error;
      }
      throw new Error('expected a 400');
    };
    expect(bad({ exec: { kind: 'nodejs:20', code: 'x' }, limits: { timeout: 300001 } }).message).to.match(
      /exceeds allowed threshold of 300000/,
    );
    expect(bad({ exec: { kind: 'nodejs:20', code: 'x' }, limits: { concurrency: 0 } }).status).to.equal(400);
    expect(bad({ exec: { kind: 'python:3', code: 'x' } }).message).to.match(/Node\.js actions only/);
    expect(bad({ exec: { kind: 'nodejs:20', code: 'x', main: 'main; process.exit()' } }).status).to.equal(
      400,
    );
    expect(bad({}).status).to.equal(400);
  });
});
