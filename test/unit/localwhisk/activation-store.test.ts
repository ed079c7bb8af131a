import { expect } from 'chai';

import type { ActivationRecord } from '../../../src/localwhisk/activation-record.js';
import { ActivationStore } from '../../../src/localwhisk/activation-store.js';

/** A finished record with the given id; only the id matters to the store. */
function record(activationId: string): ActivationRecord {
  return {
    activationId,
    namespace: 'guest',
    name: 'slave',
    version: '0.0.1',
    subject: 'guest',
    publish: false,
    start: 1,
    end: 2,
    duration: 1,
    statusCode: 0,
    response: { status: 'success', statusCode: 0, success: true, result: {} },
    logs: [],
    annotations: [],
  };
}

describe('ActivationStore', () => {
  it('drops the oldest record past its capacity', () => {
    const store = new ActivationStore(2);
    for (const id of ['a', 'b', 'c']) store.add(record(id));
    expect(store.get('a')).to.equal(undefined);
    expect(store.get('b')?.activationId).to.equal('b');
    expect(store.size.records).to.equal(2);
  });

  it('past its result bytes drops records already read, the first read first, and keeps unread ones', () => {
    const store = new ActivationStore(100, 250);
    for (const id of ['a', 'b', 'c']) store.add(record(id), 100);
    expect(store.size).to.deep.equal({ records: 3, resultBytes: 300 });
    store.get('b');
    store.get('a');
    store.add(record('d'), 100);
    // 400 bytes: 'b' (read first) and 'a' go; 'c' and 'd' were never read and stay.
    expect(store.size).to.deep.equal({ records: 2, resultBytes: 200 });
    expect(store.get('c')?.activationId).to.equal('c');
    expect(store.get('d')?.activationId).to.equal('d');
    expect(store.get('b')).to.equal(undefined);
  });

  it('counts a record stored twice once', () => {
    const store = new ActivationStore(10, 1000);
    store.add(record('a'), 100);
    store.add(record('a'), 100);
    expect(store.size).to.deep.equal({ records: 1, resultBytes: 100 });
  });
});
