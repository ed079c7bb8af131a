import { expect } from 'chai';

import { UsageError } from '../../../src/run/errors.js';
import { run } from '../../../src/soak/cli.js';
import {
  DEFAULT_ROUNDS,
  DEFAULT_SOAK_EXPIRES_MS,
  DEFAULT_SOAK_TIMEOUT_MS,
  parseSoakArgs,
} from '../../../src/soak/soak-args.js';

const parse = (...argv: string[]) => parseSoakArgs(argv, {});

function usageError(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('soak command line', () => {
  it('has defaults for everything', () => {
    expect(parse()).to.deep.equal({
      kind: 'run',
      command: {
        rounds: DEFAULT_ROUNDS,
        seed: undefined,
        maxN: 40,
        timeoutMs: DEFAULT_SOAK_TIMEOUT_MS,
        expiresMs: DEFAULT_SOAK_EXPIRES_MS,
        amqpUrl: 'amqp://localhost',
        manifest: undefined,
      },
    });
    expect(parseSoakArgs([], { AMQP_URL: 'amqp://u:p@h:5672' })).to.have.nested.property(
      'command.amqpUrl',
      'amqp://u:p@h:5672',
    );
  });

  it('reads every option', () => {
    const parsed = parse(
      '--rounds',
      '12',
      '--seed',
      '0',
      '--max-n',
      '5',
      '--timeout-ms',
      '20000',
      '--expires-ms',
      '3000',
    );
    expect(parsed).to.deep.include({ kind: 'run' });
    expect(parsed.kind === 'run' && parsed.command).to.deep.include({
      rounds: 12,
      seed: 0,
      maxN: 5,
      timeoutMs: 20000,
      expiresMs: 3000,
    });
    expect(parse('-h')).to.deep.equal({ kind: 'help' });
  });

  it('refuses bad values with one line naming the option and its range', () => {
    expect(usageError('--rounds', '0')).to.equal('--rounds must be an integer from 1 to 100000, got "0"');
    expect(usageError('--rounds', '-3')).to.equal('--rounds must be an integer from 1 to 100000, got "-3"');
    expect(usageError('--seed', '4294967296')).to.equal(
      '--seed must be an integer from 0 to 4294967295, got "4294967296"',
    );
    expect(usageError('--max-n', 'many')).to.equal('--max-n must be an integer from 1 to 200, got "many"');
    expect(usageError('--timeout-ms', '10')).to.match(/^--timeout-ms must be an integer from 5000 to 300000/);
    expect(usageError('--amqp-url', 'http://x')).to.equal('--amqp-url must start with amqp:// or amqps://');
    expect(usageError('--bogus')).to.match(/^Unknown option '--bogus'/);
    expect(usageError('extra')).to.match(/positional/);
  });

  it('answers a usage error with exit 2 and one line, before touching the broker', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
    };
    expect(await run(['--rounds', 'x'], {}, io)).to.equal(2);
    expect(out).to.deep.equal([]);
    expect(err.join('').split('\n').filter(Boolean)).to.have.length(1);
    expect(err.join('')).to.match(/^soak: --rounds must be .* — usage: npm run soak/);
    expect(await run(['--help'], {}, io)).to.equal(0);
    expect(out.join('')).to.contain('--rounds R').and.contain(`(default ${DEFAULT_ROUNDS})`);
  });
});
