import { request } from 'node:http';

import { expect } from 'chai';
import openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { NODE_KIND } from '../../../src/localwhisk/exec.js';
import { client, fixture, statusOf } from './support.js';

/** A raw request, for what the SDK cannot send (malformed bodies, oversized payloads). */
function raw(
  whisk: LocalWhisk,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${whisk.apihost}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(whisk.auth).toString('base64')}`,
        'content-type': 'application/json',
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('localwhisk REST routes through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let ow: openwhisk.Client;

  before(async function () {
    whisk = await startLocalWhisk({ payloadLimitBytes: 4096, prewarmContainers: 0 });
    ow = client(whisk);
  });

  after(async function () {
    await whisk.close();
  });

  it('answers 401 without credentials or with a wrong key, never echoing the key', async function () {
    const wrong = openwhisk({ apihost: whisk.apihost, api_key: `${whisk.auth.split(':')[0] ?? ''}:wrong` });
    const refused = await statusOf(wrong.actions.list());
    expect(refused.statusCode).to.equal(401);
    expect(refused.error).to.have.property('error', 'The supplied authentication is invalid');
    expect(JSON.stringify(refused.error)).to.not.include(whisk.auth.split(':')[1]);
    const missing = await new Promise<number>((resolve) => {
      request(`${whisk.apihost}/api/v1/namespaces/_/actions`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end();
    });
    expect(missing).to.equal(401);
  });

  it('lists the namespace and refuses another one with 403', async function () {
    expect(await ow.namespaces.list()).to.deep.equal(['guest']);
    const other = await statusOf(ow.actions.list({ namespace: 'someone-else' }));
    expect(other.statusCode).to.equal(403);
  });

  it('creates, gets, lists, updates and deletes actions; 409 without overwrite', async function () {
    const created = await ow.actions.create({
      name: 'a1',
      action: fixture('hello'),
      limits: { timeout: 1000 },
    });
    expect(created).to.include({ name: 'a1', version: '0.0.1' });
    const conflict = await statusOf(ow.actions.create({ name: 'a1', action: fixture('hello') }));
    expect(conflict.statusCode).to.equal(409);
    expect(conflict.error).to.have.property('error', 'resource already exists');
    const updated = await ow.actions.update({ name: 'a1', action: fixture('counter') });
    expect(updated).to.include({ version: '0.0.2' });
    expect(updated.limits).to.include({ timeout: 1000 });
    const got = await ow.actions.get({ name: 'a1' });
    expect(got.exec).to.include({ code: fixture('counter'), kind: NODE_KIND, binary: false });
    expect(got.exec).to.not.have.property('main');
    expect(got.annotations).to.deep.include({ key: 'exec', value: NODE_KIND });
    expect((await ow.actions.list()).map((a) => a.name)).to.include('a1');
    await ow.actions.delete({ name: 'a1' });
    expect((await statusOf(ow.actions.get({ name: 'a1' }))).statusCode).to.equal(404);
  });

  it('answers 404 for an unknown action, on get and on invoke', async function () {
    const got = await statusOf(ow.actions.get({ name: 'nope' }));
    expect(got.statusCode).to.equal(404);
    expect(got.error).to.have.property('error', 'The requested resource does not exist.');
    expect((await statusOf(ow.actions.invoke({ name: 'nope', blocking: true }))).statusCode).to.equal(404);
  });

  it('refuses invalid bodies and limits out of range with 400', async function () {
    const short = await statusOf(
      ow.actions.create({ name: 'bad', action: fixture('hello'), limits: { timeout: 50 } }),
    );
    expect(short.statusCode).to.equal(400);
    expect(short.error)
      .to.have.property('error')
      .that.match(/timeout 50 milliseconds below allowed threshold of 100/);
    const memory = await statusOf(
      ow.actions.create({ name: 'bad', action: fixture('hello'), limits: { memory: 4096 } }),
    );
    expect(memory.statusCode).to.equal(400);
    const kind = await statusOf(
      ow.actions.create({ name: 'bad', action: fixture('hello'), kind: 'python:3' }),
    );
    expect(kind.statusCode).to.equal(400);
    const name = await statusOf(ow.actions.create({ name: 'bad name!', action: fixture('hello') }));
    expect(name.statusCode).to.equal(400);
  });

  it('answers 400 for malformed JSON and 413 for a body over the payload limit', async function () {
    await ow.actions.create({ name: 'echo', action: fixture('outcomes') });
    const malformed = await raw(whisk, 'POST', '/api/v1/namespaces/_/actions/echo?blocking=true', '{"a":');
    expect(malformed.status).to.equal(400);
    expect(malformed.body)
      .to.have.property('error')
      .that.match(/^The request content was malformed/);
    const big = await statusOf(
      ow.actions.invoke({ name: 'echo', blocking: true, params: { data: 'x'.repeat(5000) } }),
    );
    expect(big.statusCode).to.equal(413);
    expect(big.error)
      .to.have.property('error')
      .that.match(/^Request larger than allowed: \d+ > 4096 bytes\.$/);
  });

  it('manages packages and actions inside them', async function () {
    await ow.packages.create({ name: 'p1', package: { parameters: [{ key: 'k', value: 1 }] } });
    await ow.actions.create({ name: 'p1/inner', action: fixture('outcomes') });
    const pkg = await ow.packages.get({ name: 'p1' });
    expect(pkg.actions?.map((a) => a.name)).to.deep.equal(['inner']);
    expect((await ow.packages.list()).map((p) => p.name)).to.include('p1');
    expect(await ow.actions.invoke({ name: 'p1/inner', blocking: true, result: true })).to.deep.equal({
      ok: true,
      echo: { k: 1 },
    });
    expect((await statusOf(ow.packages.delete({ name: 'p1' }))).statusCode).to.equal(409);
    await ow.actions.delete({ name: 'p1/inner' });
    await ow.packages.delete({ name: 'p1' });
    expect((await statusOf(ow.packages.get({ name: 'p1' }))).statusCode).to.equal(404);
    expect(
      (await statusOf(ow.actions.create({ name: 'p1/x', action: fixture('hello') }))).statusCode,
    ).to.equal(404);
  });

  it('lists activations newest first, filtered by name, limit, skip and since', async function () {
    await ow.actions.create({ name: 'listed', action: fixture('hello') });
    const since = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await ow.actions.invoke({ name: 'listed', blocking: true })).activationId);
    const all = await ow.activations.list({ name: 'listed', since });
    expect(all.map((a) => a.activationId)).to.deep.equal([...ids].reverse());
    const page = await ow.activations.list({ name: 'listed', limit: 1, skip: 1 });
    expect(page.map((a) => a.activationId)).to.deep.equal([ids[1]]);
    const docs = await ow.activations.list({ name: 'listed', limit: 1, docs: true });
    expect(docs[0]).to.have.property('logs');
    const result = await ow.activations.result({ name: ids[0]! });
    expect(result).to.deep.include({ status: 'success', success: true });
    const logs = await ow.activations.logs({ name: ids[0]! });
    expect(logs.logs).to.have.length(2);
    expect((await statusOf(ow.activations.get({ name: 'f'.repeat(32) }))).statusCode).to.equal(404);
  });
});
