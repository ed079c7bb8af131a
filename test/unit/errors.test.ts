// Every error class the package exports shares one base class with a machine-readable code and the
// original cause, so callers can catch whisk-sync's errors in one place and switch on `code`.
import { expect } from 'chai';

import * as deploy from '../../src/entries/deploy.js';
import * as history from '../../src/entries/history.js';
import * as localwhisk from '../../src/entries/localwhisk.js';
import * as root from '../../src/index.js';

const ENTRY_POINTS: Record<string, Record<string, unknown>> = { root, deploy, history, localwhisk };

describe('errors', function () {
  for (const [entry, exports] of Object.entries(ENTRY_POINTS)) {
    it(`every error class of ${entry} extends WhiskSyncError`, () => {
      const errorClasses = Object.entries(exports).filter(
        ([name, value]) =>
          name !== 'WhiskSyncError' && typeof value === 'function' && value.prototype instanceof Error,
      );
      expect(errorClasses).not.to.have.length(0);
      for (const [name, value] of errorClasses) {
        expect((value as { prototype: unknown }).prototype, name).to.be.instanceOf(root.WhiskSyncError);
      }
    });
  }

  it('keeps the original cause and the code', () => {
    const cause = new Error('ECONNREFUSED');
    const failures = [
      new root.DeployError('DEPLOY_FAILED', 'deploying failed', { cause }),
      new root.RunError('BROKER_UNREACHABLE', 'no broker', { cause }),
      new root.BrokerError('channel closed', { cause }),
    ];
    for (const error of failures) {
      expect(error).to.be.instanceOf(root.WhiskSyncError);
      expect(error.cause).to.equal(cause);
      expect(error.code).to.be.a('string').and.not.equal('');
    }
    expect(new root.ConfigError('no key')).to.have.property('code', 'CONFIG_INVALID');
    expect(new root.ConfigError('no key')).not.to.have.property('cause');
  });
});
