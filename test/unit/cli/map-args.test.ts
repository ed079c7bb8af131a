import { expect } from 'chai';

import { UsageError } from '../../../src/run/errors.js';
import { mapHelp, parseMapArgs, type MapCommand } from '../../../src/run/map-args.js';

const MAX_N = 1000;

function run(argv: string[], env: Record<string, string> = {}): MapCommand {
  const invocation = parseMapArgs(argv, env, MAX_N);
  if (invocation.kind !== 'run') expect.fail(`expected a run, got ${invocation.kind}`);
  return invocation.command;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseMapArgs(argv, env, MAX_N);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    expect((error as UsageError).code).to.equal('USAGE');
    const message = (error as UsageError).message;
    expect(message, 'one line').not.to.contain('\n');
    return message;
  }
  return expect.fail(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('parseMapArgs', () => {
  it('takes N alone with defaults', () => {
    expect(run(['10'])).to.deep.equal({
      n: 10,
      json: false,
      amqpUrl: 'amqp://localhost',
      local: false,
      retries: 0,
      manifest: 'manifest.yaml',
      debug: false,
    });
  });

  it('takes every option', () => {
    const command = run([
      '25',
      '--json',
      '--amqp-url',
      'amqps://u:p@broker:5671/vh',
      '--apihost',
      'https://ow.example',
      '--auth',
      'uuid:key',
      '--local',
      '--local-concurrency',
      '1',
      '--max-concurrent',
      '26',
      '--timeout-ms',
      '30000',
      '--lease-ms=2000',
      '--append-route',
      'leader',
      '--retries',
      '2',
      '--history',
      'h.jsonl',
      '--plot',
      'run.svg',
      '--manifest',
      'other.yaml',
      '--debug',
    ]);
    expect(command).to.deep.equal({
      n: 25,
      json: true,
      amqpUrl: 'amqps://u:p@broker:5671/vh',
      apihost: 'https://ow.example',
      auth: 'uuid:key',
      local: true,
      localConcurrency: 1,
      maxConcurrent: 26,
      timeoutMs: 30000,
      leaseMs: 2000,
      appendRoute: 'leader',
      retries: 2,
      historyFile: 'h.jsonl',
      plotFile: 'run.svg',
      manifest: 'other.yaml',
      debug: true,
    });
  });

  it('takes a --max-concurrent of N + 1 or more, up to the controller limit, and names the minimum below it', () => {
    expect(run([String(MAX_N), '--max-concurrent', String(MAX_N + 1)]).maxConcurrent).to.equal(MAX_N + 1);
    expect(run(['3', '--max-concurrent', '1000000']).maxConcurrent).to.equal(1_000_000);
    expect(run(['3']).maxConcurrent).to.equal(undefined);
    expect(usageError(['3', '--max-concurrent', '3'])).to.equal(
      '--max-concurrent 3 is below the 4 activations of this round (the leader and 3 slaves); give at least 4',
    );
    expect(usageError(['3', '--max-concurrent', '0'])).to.equal(
      '--max-concurrent must be an integer from 1 to 1000000, got "0"',
    );
    expect(usageError(['3', '--max-concurrent', '1000001'])).to.contain('1 to 1000000');
    expect(mapHelp(MAX_N)).to.match(/--max-concurrent C .*N \+ 1\.\.1000000/s);
  });

  it('accepts options before N', () => {
    expect(run(['--json', '3']).n).to.equal(3);
  });

  it('takes the broker from AMQP_URL unless --amqp-url is given', () => {
    expect(run(['1'], { AMQP_URL: 'amqp://env-host' }).amqpUrl).to.equal('amqp://env-host');
    expect(run(['1', '--amqp-url', 'amqp://flag-host'], { AMQP_URL: 'amqp://env-host' }).amqpUrl).to.equal(
      'amqp://flag-host',
    );
    expect(run(['1'], { AMQP_URL: '  ' }).amqpUrl, 'blank counts as unset').to.equal('amqp://localhost');
  });

  it('answers --help and -h with help, whatever else is there', () => {
    expect(parseMapArgs(['--help'], {}, MAX_N)).to.deep.equal({ kind: 'help' });
    expect(parseMapArgs(['-h', 'abc'], {}, MAX_N)).to.deep.equal({ kind: 'help' });
  });

  it('accepts the limits of N', () => {
    expect(run(['1']).n).to.equal(1);
    expect(run([String(MAX_N)]).n).to.equal(MAX_N);
  });

  const badN: [string, string[]][] = [
    ['missing', []],
    ['not a number', ['abc']],
    ['not an integer', ['2.5']],
    ['in exponent form', ['1e2']],
    ['zero', ['0']],
    ['negative', ['-5']],
    ['too large', [String(MAX_N + 1)]],
    ['empty', ['']],
  ];
  for (const [what, argv] of badN) {
    it(`rejects an N that is ${what}, naming the range`, () => {
      const message = usageError(argv);
      expect(message).to.match(/N/).and.contain(`${MAX_N}`);
    });
  }

  const badOptions: [string, string[], string][] = [
    ['two positionals', ['3', '4'], 'expected one N'],
    ['an unknown option', ['3', '--frobnicate'], "'--frobnicate'"],
    ['a missing option value', ['3', '--retries'], '--retries'],
    ['a negative retry count', ['3', '--retries', '-1'], '--retries'],
    ['a non-integer timeout', ['3', '--timeout-ms', '5s'], '--timeout-ms'],
    ['a zero lease', ['3', '--lease-ms', '0'], '--lease-ms'],
    ['a zero --local-concurrency', ['3', '--local-concurrency', '0'], '--local-concurrency'],
    ['a --local-concurrency above the controller limit', ['3', '--local-concurrency', '501'], 'at most 500'],
    ['a lease not below the timeout', ['3', '--lease-ms', '5000', '--timeout-ms', '5000'], 'below'],
    ['a broker URL of another scheme', ['3', '--amqp-url', 'http://host'], 'amqp://'],
    ['a broker URL that is not a URL', ['3', '--amqp-url', 'localhost'], 'not a URL'],
    ['an empty --auth', ['3', '--auth', ''], '--auth'],
    ['a plot file that is not .svg', ['3', '--plot', 'run.png'], '.svg'],
    [
      'an unknown append route',
      ['3', '--append-route', 'stream'],
      `--append-route must be fanout or leader, got "stream"`,
    ],
  ];
  for (const [what, argv, fragment] of badOptions) {
    it(`rejects ${what}`, () => {
      expect(usageError(argv)).to.contain(fragment);
    });
  }

  it('rejects a malformed AMQP_URL, naming the variable', () => {
    expect(usageError(['3'], { AMQP_URL: 'ftp://x' })).to.contain('AMQP_URL');
  });

  it('never echoes a broker password in a usage error', () => {
    expect(usageError(['3', '--amqp-url', 'http://u:hunter2@host'])).not.to.contain('hunter2');
  });
});
