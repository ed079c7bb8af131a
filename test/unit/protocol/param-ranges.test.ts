/**
 * One range per parameter: what `npm run map` accepts, the leader and slave actions accept too, and a
 * value the actions refuse is a usage error (exit 2) before anything is invoked.
 */
import { expect } from 'chai';

import { PARAM_RANGES } from '../../../src/protocol/limits.js';
import { validateLeaderParams, validateSlaveParams } from '../../../src/protocol/validate.js';
import { UsageError } from '../../../src/run/errors.js';
import { parseMapArgs } from '../../../src/run/map-args.js';

const access = {
  n: 3,
  runId: 'ranges',
  amqpUrl: 'amqp://localhost',
  signingKey: 'k'.repeat(32),
};

function cliAccepts(flag: string, value: number): boolean {
  try {
    parseMapArgs(['3', flag, String(value)], {}, 10_000);
    return true;
  } catch (error) {
    if (error instanceof UsageError) return false;
    throw error;
  }
}

function actionAccepts(param: 'leaseMs' | 'timeoutMs', value: number): boolean {
  const accepts = (validate: () => unknown) => {
    try {
      validate();
      return true;
    } catch {
      return false;
    }
  };
  const leader = accepts(() => validateLeaderParams({ ...access, [param]: value }));
  const slave =
    param === 'leaseMs' || accepts(() => validateSlaveParams({ ...access, id: 0, [param]: value }));
  return leader && slave;
}

describe('parameter ranges shared by the command line and the actions', () => {
  const cases = [
    ['--lease-ms', 'leaseMs'],
    ['--timeout-ms', 'timeoutMs'],
  ] as const;
  for (const [flag, param] of cases) {
    const { min, max } = PARAM_RANGES[param];
    for (const value of [1, min - 1, min, max, max + 1]) {
      it(`${flag} ${value}: the command line and the actions agree`, () => {
        expect(cliAccepts(flag, value), `${flag} ${value}`).to.equal(actionAccepts(param, value));
      });
    }
  }

  it('refuses --lease-ms 9 up front, naming the range the leader enforces', () => {
    expect(() => parseMapArgs(['3', '--lease-ms', '9'], {}, 10_000)).to.throw(
      UsageError,
      `--lease-ms must be an integer from ${PARAM_RANGES.leaseMs.min} to ${PARAM_RANGES.leaseMs.max}, got "9"`,
    );
  });
});
