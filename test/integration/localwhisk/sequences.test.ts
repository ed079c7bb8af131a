import { expect } from 'chai';
import type openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { annotationOf, client, failedRecord, pollActivation, statusOf } from './support.js';

// The SDK accepts `sequence` (it builds `exec: {kind: 'sequence', components}`); its types do not list it.
function sequence(
  ow: openwhisk.Client,
  name: string,
  components: string[],
  overwrite = false,
): Promise<openwhisk.Action> {
  const options = { name, sequence: components, overwrite } as unknown as Parameters<
    openwhisk.Client['actions']['create']
  >[0];
  return ow.actions.create(options);
}

describe('localwhisk sequences through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let ow: openwhisk.Client;

  before(async function () {
    whisk = await startLocalWhisk();
    ow = client(whisk);
    await ow.actions.create({ name: 'double', action: 'function main(p) { return { n: p.n * 2 }; }' });
    await ow.actions.create({
      name: 'fail',
      action: 'function main() { return { error: "stop here" }; }',
    });
  });

  after(async function () {
    await whisk.close();
  });

  it('chains components, records their ids in logs and marks topmost and causedBy', async function () {
    const created = await sequence(ow, 'seq', ['/whisk.system/utils/echo', 'double', '/_/double']);
    expect(created.exec).to.include({ kind: 'sequence' });
    expect((created.exec as { components: string[] }).components).to.deep.equal([
      '/whisk.system/utils/echo',
      '/guest/double',
      '/guest/double',
    ]);
    expect(created.annotations).to.deep.include({ key: 'exec', value: 'sequence' });
    const record = await ow.actions.invoke({ name: 'seq', blocking: true, params: { n: 3 } });
    expect(record.response?.result).to.deep.equal({ n: 12 });
    expect(record.logs).to.have.length(3);
    expect(annotationOf(record, 'topmost')).to.equal(true);
    expect(annotationOf(record, 'kind')).to.equal('sequence');
    const first = await pollActivation(ow, record.logs[0] ?? '');
    expect(annotationOf(first, 'path')).to.equal('whisk.system/utils/echo');
    expect(annotationOf(first, 'causedBy')).to.equal('sequence');
    expect((first as unknown as { cause: string }).cause).to.equal(record.activationId);
  });

  it('stops at the first failing component and answers with its error', async function () {
    await sequence(ow, 'seq-fails', ['double', 'fail', 'double']);
    const record = await failedRecord(ow, 'seq-fails', { n: 1 });
    expect(record.response?.status).to.equal('application error');
    expect(record.response?.result).to.deep.equal({ error: 'stop here' });
    expect(record.logs).to.have.length(2);
  });

  it('refuses missing components, itself as a component and more than 50 components with 400', async function () {
    const missing = await statusOf(sequence(ow, 'bad', ['/guest/nope']));
    expect(missing.statusCode).to.equal(400);
    expect(missing.error).to.have.property('error', 'Sequence component does not exist.');
    await sequence(ow, 'self', ['double']);
    const cyclic = await statusOf(sequence(ow, 'self', ['self'], true));
    expect(cyclic.error).to.have.property('error', 'Sequence may not refer to itself.');
    const long = await statusOf(
      sequence(
        ow,
        'long',
        Array.from({ length: 51 }, () => 'double'),
      ),
    );
    expect(long.error).to.have.property('error', 'Too many actions in the sequence.');
  });

  it('stops a cycle made by updates at the limit on components', async function () {
    await sequence(ow, 'loop-a', ['double']);
    await sequence(ow, 'loop-b', ['loop-a', 'double']);
    await sequence(ow, 'loop-a', ['loop-b'], true);
    const record = await failedRecord(ow, 'loop-a', { n: 1 });
    expect(record.response?.result).to.deep.equal({ error: 'Too many actions in the sequence.' });
  });
});
