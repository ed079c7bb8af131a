import { expect } from 'chai';

import { UsageError } from '../../../src/run/errors.js';
import { parseMapArgs, type MapCommand } from '../../../src/run/map-args.js';

function run(argv: string[]): MapCommand {
  const invocation = parseMapArgs(argv, {}, 100);
  if (invocation.kind !== 'run') expect.fail(`expected a run, got ${invocation.kind}`);
  return invocation.command;
}

function usageError(argv: string[]): string {
  try {
    parseMapArgs(argv, {}, 100);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as UsageError).message;
  }
  return expect.fail(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('map --slave-action, --param and --max-hold-ms', () => {
  it("takes a user's slave action and its parameters, JSON where they are JSON", () => {
    const command = run([
      '5',
      '--slave-action',
      'demo/counter',
      '--param',
      'workMs=250',
      '--param',
      'name=alice',
      '--param',
      'opts={"deep":[1,true]}',
      '--param',
      'empty=',
      '--max-hold-ms',
      '60000',
    ]);
    expect(command).to.deep.include({
      slaveAction: 'demo/counter',
      slaveParams: { workMs: 250, name: 'alice', opts: { deep: [1, true] }, empty: '' },
      maxHoldMs: 60000,
    });
  });

  it('rejects a parameter without KEY=', () => {
    expect(usageError(['5', '--param', 'workMs'])).to.equal('--param expects KEY=VALUE, got "workMs"');
    expect(usageError(['5', '--param', '=3'])).to.equal('--param expects KEY=VALUE, got "=3"');
  });

  it("rejects a parameter that would override the round's own", () => {
    expect(usageError(['5', '--param', 'runId=abc'])).to.equal(
      '--param: slave parameters may not set runId: the round passes it itself',
    );
  });

  it('rejects an empty slave action and a zero maximum hold', () => {
    expect(usageError(['5', '--slave-action', ' '])).to.equal('--slave-action must not be empty');
    expect(usageError(['5', '--max-hold-ms', '0'])).to.match(
      /^--max-hold-ms must be an integer from 10 to 3600000/,
    );
  });

  it('rejects a maximum hold below the lease', () => {
    expect(usageError(['5', '--max-hold-ms', '4000'])).to.equal(
      '--max-hold-ms (4000) must be at least the lease (5000 ms)',
    );
    expect(run(['5', '--lease-ms', '1000', '--max-hold-ms', '4000']).maxHoldMs).to.equal(4000);
  });
});
