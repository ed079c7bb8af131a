import { expect } from 'chai';

/** Awaits `promise`, asserts it rejects with an instance of `type`, and returns the error. */
export async function expectRejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(type);
    return err as E;
  }
  return expect.fail('expected a rejection');
}
