/**
 * Bad parameters given to the deployed actions through the openwhisk SDK on the embedded controller:
 * each is an application error `{error, code: 'BAD_PARAM'}` naming the parameter, with URL passwords
 * masked and the signing key never echoed, before anything touches the broker.
 */
import { expect } from 'chai';
import openwhisk from 'openwhisk';

import { buildBundles, startFaultLab, type FaultLab } from '../../helpers/whisk-faults.js';

const KEY = 'k'.repeat(32);
const PASSWORD = 'hunter2-very-secret';
const good = { n: 2, runId: 'bad-input-run', amqpUrl: 'amqp://127.0.0.1', signingKey: KEY };

/** [action, what, params, expected message (a stable part)] */
const CASES: [string, string, Record<string, unknown>, RegExp][] = [
  [
    'leader',
    'n missing',
    { ...good, n: undefined },
    /^leader: n must be an integer from 1 to 10000 \(got nothing\)$/,
  ],
  ['leader', 'n = 0', { ...good, n: 0 }, /^leader: n must be an integer from 1 to 10000 \(got 0\)$/],
  ['leader', 'n = 1.5', { ...good, n: 1.5 }, /^leader: n must be an integer from 1 to 10000 \(got 1\.5\)$/],
  [
    'leader',
    'n = "abc"',
    { ...good, n: 'abc' },
    /^leader: n must be an integer from 1 to 10000 \(got "abc"\)$/,
  ],
  [
    'leader',
    'n too large',
    { ...good, n: 10_001 },
    /^leader: n must be an integer from 1 to 10000 \(got 10001\)$/,
  ],
  [
    'leader',
    'runId with spaces',
    { ...good, runId: 'a b' },
    /^leader: runId must be 1 to 64 letters, digits/,
  ],
  ['leader', 'runId missing', { ...good, runId: undefined }, /^leader: runId must be .*\(got nothing\)$/],
  [
    'leader',
    'amqpUrl not amqp',
    { ...good, amqpUrl: `http://guest:${PASSWORD}@host` },
    /^leader: amqpUrl must be an amqp:\/\/ or amqps:\/\/ URL with a host \(got "http:\/\/guest:\*\*\*@host\/?"\)$/,
  ],
  [
    'leader',
    'amqpUrl not a URL',
    { ...good, amqpUrl: 'localhost' },
    /^leader: amqpUrl must be an amqp:\/\/ or amqps:\/\/ URL with a host \(got "localhost"\)$/,
  ],
  [
    'leader',
    'signingKey too short',
    { ...good, signingKey: 'short-secret' },
    /^leader: signingKey must be a string of 16 to 512 characters \(got a string of 12 characters\)$/,
  ],
  [
    'leader',
    'signingKey missing',
    { ...good, signingKey: undefined },
    /^leader: signingKey must be a string of 16 to 512 characters \(got nothing\)$/,
  ],
  [
    'leader',
    'leaseMs = 5',
    { ...good, leaseMs: 5 },
    /^leader: leaseMs must be an integer from 10 to 3600000 \(got 5\)$/,
  ],
  [
    'leader',
    'timeoutMs = 50',
    { ...good, timeoutMs: 50 },
    /^leader: timeoutMs must be an integer from 100 to 3600000 \(got 50\)$/,
  ],
  [
    'leader',
    'heartbeatMs = "fast"',
    { ...good, heartbeatMs: 'fast' },
    /^leader: heartbeatMs must be an integer from 10 to 60000 \(got "fast"\)$/,
  ],
  [
    'leader',
    'expiresMs = 10',
    { ...good, expiresMs: 10 },
    /^leader: expiresMs must be an integer from 1000 to 86400000 \(got 10\)$/,
  ],
  [
    'leader',
    'history = "yes"',
    { ...good, history: 'yes' },
    /^leader: history must be true or false \(got "yes"\)$/,
  ],
  [
    'leader',
    'appendRoute = "stream"',
    { ...good, appendRoute: 'stream' },
    /^leader: appendRoute must be 'fanout' or 'leader' \(got "stream"\)$/,
  ],
  [
    'slave',
    'appendRoute = 1',
    { ...good, id: 0, appendRoute: 1 },
    /^slave: appendRoute must be 'fanout' or 'leader' \(got 1\)$/,
  ],
  ['slave', 'id missing', { ...good }, /^slave: id must be an integer from 0 to 1 \(got nothing\)$/],
  ['slave', 'id = n', { ...good, id: 2 }, /^slave: id must be an integer from 0 to 1 \(got 2\)$/],
  ['slave', 'id = -1', { ...good, id: -1 }, /^slave: id must be an integer from 0 to 1 \(got -1\)$/],
  [
    'slave',
    'timeoutMs = "1s"',
    { ...good, id: 0, timeoutMs: '1s' },
    /^slave: timeoutMs must be an integer from 100 to 3600000 \(got "1s"\)$/,
  ],
  [
    'slave',
    'signingKey a number',
    { ...good, id: 0, signingKey: 42 },
    /^slave: signingKey must be a string of 16 to 512 characters \(got 42\)$/,
  ],
];

interface Failed {
  statusCode?: number;
  error?: { response?: { status?: string; result?: Record<string, unknown> } };
}

describe('bad action parameters through the SDK on the embedded controller', function () {
  this.timeout(60_000);
  let lab: FaultLab;
  let ow: ReturnType<typeof openwhisk>;

  before(async function () {
    this.timeout(200_000);
    await buildBundles();
    lab = await startFaultLab();
    ow = openwhisk({ apihost: lab.whisk.apihost, api_key: lab.whisk.auth });
  });
  after(async () => {
    await lab.close();
  });

  for (const [action, what, params, message] of CASES) {
    it(`${action}: ${what}`, async () => {
      // Parameters left undefined are not sent at all (JSON drops them).
      const failure: Failed = await ow.actions
        .invoke({ name: `whisk-sync/${action}`, params, blocking: true })
        .then(
          () => ({}),
          (error: unknown) => error as Failed,
        );
      expect(failure.statusCode).to.equal(502);
      expect(failure.error?.response?.status).to.equal('application error');
      const result = failure.error?.response?.result ?? {};
      expect(result.code).to.equal('BAD_PARAM');
      expect(String(result.error)).to.match(message);
      const text = JSON.stringify(result);
      expect(text).not.to.contain(PASSWORD);
      expect(text).not.to.contain(KEY);
      expect(text).not.to.contain('short-secret');
      expect(text).not.to.match(/\n\s+at /);
    });
  }
});
