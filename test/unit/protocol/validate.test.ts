import { expect } from 'chai';
import { ParamError } from '../../../src/protocol/failure.js';
import { validateLeaderParams, validateSlaveParams } from '../../../src/protocol/validate.js';

const key = 'secret-signing-key-0123456789';
const good = { n: 3, runId: 'run-1', amqpUrl: 'amqp://guest:guest@localhost', signingKey: key };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ParamError);
    return (error as ParamError).message;
  }
  throw new Error('expected a ParamError');
}

describe('parameter validation', () => {
  it('applies the documented defaults', () => {
    expect(validateLeaderParams(good)).to.deep.equal({
      ...good,
      leaseMs: 5000,
      maxHoldMs: 30000,
      timeoutMs: undefined,
      history: false,
      heartbeatMs: 1000,
      expiresMs: 300_000,
      appendRoute: 'fanout',
    });
    expect(validateSlaveParams({ ...good, id: 2 })).to.include({
      id: 2,
      expiresMs: 300_000,
      appendRoute: 'fanout',
    });
  });

  it('takes either append route and names a wrong one', () => {
    expect(validateLeaderParams({ ...good, appendRoute: 'leader' }).appendRoute).to.equal('leader');
    expect(validateSlaveParams({ ...good, id: 0, appendRoute: 'leader' }).appendRoute).to.equal('leader');
    expect(messageOf(() => validateLeaderParams({ ...good, appendRoute: 'stream' }))).to.equal(
      `appendRoute must be 'fanout' or 'leader' (got "stream")`,
    );
    expect(messageOf(() => validateSlaveParams({ ...good, id: 0, appendRoute: 1 }))).to.match(
      /^appendRoute must be .* \(got 1\)$/,
    );
  });

  const leaderCases: [string, Record<string, unknown>, RegExp][] = [
    ['n missing', { n: undefined }, /^n must be an integer from 1 to 10000 \(got nothing\)$/],
    ['n zero', { n: 0 }, /^n must be .* \(got 0\)$/],
    ['n too large', { n: 10_001 }, /got 10001/],
    ['n fractional', { n: 2.5 }, /got 2\.5/],
    ['n a string', { n: '3' }, /^n must be .* \(got "3"\)$/],
    ['runId with a dot', { runId: 'a.b' }, /^runId must be .* \(got "a\.b"\)$/],
    ['runId too long', { runId: 'x'.repeat(65) }, /^runId must be/],
    [
      'amqpUrl http',
      { amqpUrl: 'http://u:pw@host' },
      /^amqpUrl must be .* \(got "http:\/\/u:\*\*\*@host"\)$/,
    ],
    ['amqpUrl unparsable', { amqpUrl: 'amqp://u:pw@' }, /got "amqp:\/\/u:\*\*\*@"/],
    ['signingKey short', { signingKey: 'short' }, /^signingKey must be .* \(got a string of 5 characters\)$/],
    ['signingKey number', { signingKey: 5 }, /^signingKey must be .* \(got 5\)$/],
    ['leaseMs negative', { leaseMs: -1 }, /^leaseMs must be an integer from 10 to 3600000 \(got -1\)$/],
    ['timeoutMs tiny', { timeoutMs: 5 }, /^timeoutMs must be/],
    ['history a string', { history: 'yes' }, /^history must be true or false \(got "yes"\)$/],
    ['heartbeatMs zero', { heartbeatMs: 0 }, /^heartbeatMs must be/],
    ['expiresMs small', { expiresMs: 10 }, /^expiresMs must be/],
  ];
  for (const [name, change, expected] of leaderCases) {
    it(`leader: ${name}`, () => {
      const message = messageOf(() => validateLeaderParams({ ...good, ...change }));
      expect(message).to.match(expected);
      expect(message).not.to.contain('pw@');
    });
  }

  it('slave: id outside 0..n-1', () => {
    expect(messageOf(() => validateSlaveParams({ ...good, id: 3 }))).to.equal(
      'id must be an integer from 0 to 2 (got 3)',
    );
    expect(messageOf(() => validateSlaveParams({ ...good, id: -1 }))).to.match(/^id must be/);
  });

  it('rejects parameters that are not an object', () => {
    expect(messageOf(() => validateLeaderParams(null))).to.equal('parameters must be an object (got null)');
    expect(messageOf(() => validateSlaveParams([]))).to.equal('parameters must be an object (got an array)');
  });

  it('never quotes a signing key, not even a wrong one', () => {
    const message = messageOf(() => validateLeaderParams({ ...good, signingKey: 'tiny-secret' }));
    expect(message).to.equal(
      'signingKey must be a string of 16 to 512 characters (got a string of 11 characters)',
    );
  });
});
