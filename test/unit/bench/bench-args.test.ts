import { expect } from 'chai';

import {
  BENCH_HELP,
  parseBenchArgs,
  SAVED_DIR,
  SCRATCH_DIR,
  type BenchCommand,
} from '../../../src/bench/bench-args.js';
import { UsageError } from '../../../src/run/errors.js';

function command(argv: string[]): BenchCommand {
  const invocation = parseBenchArgs(argv, {});
  if (invocation.kind !== 'run') throw new Error('expected a run');
  return invocation.command;
}

describe('parseBenchArgs', () => {
  it('writes a run without --save or --out to the untracked scratch directory', () => {
    expect(command([]).outDir).to.equal(SCRATCH_DIR);
    expect(command(['--n', '1', '--quick']).outDir).to.equal(SCRATCH_DIR);
    expect(SCRATCH_DIR).not.to.equal(SAVED_DIR);
  });

  it('writes the committed figures only with --save, and DIR with --out DIR', () => {
    expect(command(['--save']).outDir).to.equal('bench/results');
    expect(command(['--out', '/tmp/bench-x']).outDir).to.equal('/tmp/bench-x');
  });

  it('refuses --save with --out, and an empty --out', () => {
    expect(() => parseBenchArgs(['--save', '--out', 'x'], {}))
      .to.throw(UsageError)
      .with.property('message', '--save and --out exclude each other');
    expect(() => parseBenchArgs(['--out', ''], {}))
      .to.throw(UsageError)
      .with.property('message', '--out must not be empty');
  });

  it('uses the defaults that --help states', () => {
    const c = command([]);
    expect(c.ns).to.deep.equal([10, 100, 500, 1000]);
    expect(BENCH_HELP).to.match(/--n N,\.\.\. .*each 1\.\.10000 \(default 10,100,500,1000\)/);
    expect(BENCH_HELP).to.match(new RegExp(`--reps R .*1\\.\\.20 \\(default ${c.repetitions}\\)`));
    expect(BENCH_HELP).to.match(new RegExp(`--rtt-samples K .*10\\.\\.100000 \\(default ${c.rttSamples}\\)`));
    expect(BENCH_HELP).to.match(
      new RegExp(`--round-timeout-ms MS .*1000\\.\\.300000 \\(default ${c.roundTimeoutMs}\\)`),
    );
    expect(BENCH_HELP).to.match(
      new RegExp(`--local-concurrency C .*1\\.\\.500 \\(default ${c.localConcurrency}\\)`),
    );
  });

  it('lists every option in --help with a default or a range for each value option', () => {
    const lines = BENCH_HELP.split('\n');
    for (const option of [
      '--quick',
      '--n',
      '--reps',
      '--route',
      '--compare-direct-from',
      '--local-concurrency',
      '--rtt-samples',
      '--fanout-deliveries',
      '--invocations',
      '--round-timeout-ms',
      '--amqp-url',
      '--save',
      '--out',
      '--help',
    ]) {
      expect(lines.some((line) => line.includes(`${option} `) || line.endsWith(option))).to.equal(
        true,
        option,
      );
    }
    expect(command([]).invocations).to.equal(1000);
    expect(BENCH_HELP).to.match(/--invocations K .*0\.\.100000\s+\(default 1000; 0 skips it\)/s);
    expect(command(['--invocations', '0']).invocations).to.equal(0);
    expect(() => parseBenchArgs(['--invocations', '100001'], {})).to.throw(UsageError, /from 0 to 100000/);
    // A value below a minimum is refused with the range the help states.
    expect(() => parseBenchArgs(['--rtt-samples', '9'], {})).to.throw(UsageError, /from 10 to 100000/);
  });
});
