import { expect } from 'chai';

import { HttpError } from '../../../src/localwhisk/errors.js';
import { NamespaceThrottle } from '../../../src/localwhisk/throttle.js';

function refusal(fn: () => void): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('NamespaceThrottle', function () {
  it('refuses past the per-minute count with OpenWhisk’s message and resets on the next minute', function () {
    const throttle = new NamespaceThrottle(100, 2);
    const minute = 60000 * 1000;
    throttle.admit(minute);
    throttle.admit(minute + 1);
    const refused = refusal(() => {
      throttle.admit(minute + 2);
    });
    expect(refused.status).to.equal(429);
    expect(refused.message).to.equal('Too many requests in the last minute (count: 2, allowed: 2).');
    expect(() => {
      throttle.admit(minute + 60000);
    }).to.not.throw();
  });

  it('refuses past the activations in flight and admits again after a release', function () {
    const throttle = new NamespaceThrottle(1, 100);
    throttle.admit(0);
    const refused = refusal(() => {
      throttle.admit(1);
    });
    expect(refused.message).to.equal('Too many concurrent requests in flight (count: 1, allowed: 1).');
    throttle.release();
    expect(() => {
      throttle.admit(2);
    }).to.not.throw();
    expect(throttle.inFlight).to.equal(1);
  });
});
