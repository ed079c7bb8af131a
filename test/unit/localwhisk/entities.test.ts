import { expect } from 'chai';

import { actionFromBody } from '../../../src/localwhisk/entities.js';
import { HttpError } from '../../../src/localwhisk/errors.js';
import { isSequence, NODE_KIND, type CodeExec } from '../../../src/localwhisk/exec.js';

const where = { namespace: 'guest', name: 'a', packageName: undefined };

describe('localwhisk action bodies', function () {
  const codeOf = (exec: unknown): CodeExec => {
    const given = exec as CodeExec;
    if (isSequence(given)) throw new Error('expected a code action');
    return given;
  };

  it('fills OpenWhisk’s default limits and keeps main unset unless given', function () {
    const doc = actionFromBody({ exec: { kind: 'nodejs:20', code: 'function main(){}' } }, where, undefined);
    expect(doc.limits).to.deep.equal({ timeout: 60000, memory: 256, logs: 10, concurrency: 1 });
    expect(codeOf(doc.exec).main).to.equal(undefined);
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
    expect(codeOf(second.exec).code).to.equal('x');
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
    expect(bad({ exec: { kind: 'python:3', code: 'x' } }).message).to.match(
      /Node\.js actions and sequences only/,
    );
    expect(bad({ exec: { kind: 'nodejs:20', code: 'x', main: 'main; process.exit()' } }).status).to.equal(
      400,
    );
    expect(bad({}).status).to.equal(400);
  });

  it('resolves nodejs:default to the concrete kind and accepts empty code', function () {
    const doc = actionFromBody({ exec: { kind: 'nodejs:default', code: '' } }, where, undefined);
    expect(codeOf(doc.exec)).to.include({ kind: NODE_KIND, code: '', binary: false });
    expect(NODE_KIND).to.match(/^nodejs:\d+$/);
  });

  it('decides binary from the code, as OpenWhisk does, not from the flag', function () {
    const zip = Buffer.from('PK\u0003\u0004 some zip bytes!').toString('base64');
    const binary = actionFromBody({ exec: { kind: 'nodejs:20', code: zip } }, where, undefined);
    expect(codeOf(binary.exec).binary).to.equal(true);
    const text = actionFromBody(
      { exec: { kind: 'nodejs:20', code: 'function main() {}', binary: true } },
      where,
      undefined,
    );
    expect(codeOf(text.exec).binary).to.equal(false);
  });

  it('parses sequences into fully qualified components and refuses empty or overlong ones', function () {
    const doc = actionFromBody(
      { exec: { kind: 'sequence', components: ['/whisk.system/utils/echo', 'mine', 'pkg/a', '/_/b'] } },
      where,
      undefined,
    );
    if (!isSequence(doc.exec)) throw new Error('expected a sequence');
    expect(doc.exec.components.map((c) => c.path)).to.deep.equal([
      '/whisk.system/utils/echo',
      '/guest/mine',
      '/guest/pkg/a',
      '/guest/b',
    ]);
    const refused = (components: unknown): string => {
      try {
        actionFromBody({ exec: { kind: 'sequence', components } }, where, undefined);
      } catch (error) {
        if (error instanceof HttpError) return error.message;
      }
      throw new Error('expected a 400');
    };
    expect(refused([])).to.equal('No component specified for the sequence.');
    expect(refused(Array.from({ length: 51 }, () => '/guest/x'))).to.equal(
      'Too many actions in the sequence.',
    );
  });
});
