import { expect } from 'chai';

import { LocalWhiskOptionError } from '../../../src/localwhisk/errors.js';
import { resolveOptions } from '../../../src/localwhisk/options.js';

describe('localwhisk options', function () {
  it('applies the documented defaults', function () {
    const options = resolveOptions();
    expect(options).to.include({
      port: 0,
      host: '127.0.0.1',
      namespace: 'guest',
      maxConcurrent: 2000,
      maxPerMinute: 60000,
      blockingWaitMs: 60000,
      payloadLimitBytes: 1048576,
      defaultConcurrency: 1,
    });
    expect(options.auth).to.match(/^[0-9a-f-]{36}:[0-9a-f]{64}$/);
    expect(resolveOptions().auth).to.not.equal(options.auth);
  });

  it('refuses a host that is not loopback', function () {
    expect(() => resolveOptions({ host: '0.0.0.0' }))
      .to.throw(LocalWhiskOptionError, /loopback/)
      .with.property('code', 'ERR_LOCALWHISK_OPTION');
  });

  it('names the bad option and value', function () {
    expect(() => resolveOptions({ port: 70000 })).to.throw(
      LocalWhiskOptionError,
      'port must be an integer from 0 to 65535, got 70000',
    );
    expect(() => resolveOptions({ maxConcurrent: 1.5 })).to.throw(LocalWhiskOptionError, /maxConcurrent/);
    expect(() => resolveOptions({ auth: 'no-colon' })).to.throw(LocalWhiskOptionError, /uuid:key/);
  });

  it('never puts the key in an error message', function () {
    expect(() => resolveOptions({ auth: 'a:b:secretkey' }))
      .to.throw(LocalWhiskOptionError)
      .that.satisfies((error: Error) => !error.message.includes('secretkey'));
  });
});
