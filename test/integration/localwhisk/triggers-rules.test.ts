import { expect } from 'chai';
import type openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { client, pollActivation, statusOf } from './support.js';

interface RuleLog {
  statusCode: number;
  success: boolean;
  activationId?: string;
  error?: string;
  rule: string;
  action: string;
}

describe('localwhisk triggers and rules through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let ow: openwhisk.Client;

  before(async function () {
    whisk = await startLocalWhisk();
    ow = client(whisk);
    await ow.actions.create({ name: 'collect', action: 'function main(p) { return p; }' });
  });

  after(async function () {
    await whisk.close();
  });

  it('creates, updates, lists and deletes triggers with OpenWhisk statuses', async function () {
    const created = await ow.triggers.create({
      name: 't-crud',
      trigger: { parameters: [{ key: 'a', value: 1 }] },
    });
    expect(created).to.include({ name: 't-crud', namespace: 'guest', version: '0.0.1' });
    expect(created.limits).to.deep.equal({});
    expect((await statusOf(ow.triggers.create({ name: 't-crud' }))).statusCode).to.equal(409);
    expect((await ow.triggers.update({ name: 't-crud' })).version).to.equal('0.0.2');
    expect((await ow.triggers.list()).map((t) => t.name)).to.include('t-crud');
    await ow.triggers.delete({ name: 't-crud' });
    expect((await statusOf(ow.triggers.get({ name: 't-crud' }))).statusCode).to.equal(404);
    expect((await statusOf(ow.triggers.invoke({ name: 't-crud' }))).statusCode).to.equal(404);
  });

  it('fires active rules with the payload over the trigger parameters, and logs each rule activation', async function () {
    await ow.triggers.create({
      name: 't-fire',
      trigger: {
        parameters: [
          { key: 'from', value: 'trigger' },
          { key: 'keep', value: true },
        ],
      },
    });
    const rule = await ow.rules.create({ name: 'r-fire', trigger: 't-fire', action: 'collect' });
    expect(rule).to.deep.include({ status: 'active', action: { path: 'guest', name: 'collect' } });
    const fired: { activationId?: string } = await ow.triggers.invoke({
      name: 't-fire',
      params: { from: 'fire' },
    });
    const triggerRecord = await pollActivation(ow, fired.activationId ?? '');
    expect(triggerRecord.name).to.equal('t-fire');
    expect(triggerRecord.response?.result).to.deep.equal({ from: 'fire' });
    const logs = triggerRecord.logs.map((line) => JSON.parse(line) as RuleLog);
    expect(logs).to.have.length(1);
    expect(logs[0]).to.include({
      success: true,
      rule: 'guest/r-fire',
      action: 'guest/collect',
      statusCode: 0,
    });
    const actionRecord = await pollActivation(ow, logs[0]?.activationId ?? '');
    expect(actionRecord.response?.result).to.deep.equal({ from: 'fire', keep: true });
    const got = await ow.triggers.get({ name: 't-fire' });
    expect(got).to.have.nested.property('rules.guest/r-fire.status', 'active');
  });

  it('answers 204 and starts nothing while every rule is disabled; enabling brings it back', async function () {
    await ow.triggers.create({ name: 't-off' });
    await ow.rules.create({ name: 'r-off', trigger: 't-off', action: 'collect' });
    await ow.rules.disable({ name: 'r-off' });
    expect((await ow.rules.get({ name: 'r-off' })).status).to.equal('inactive');
    const none = (await ow.triggers.invoke({ name: 't-off' })) as { activationId?: string };
    expect(none.activationId).to.equal(undefined);
    await ow.rules.enable({ name: 'r-off' });
    const fired = (await ow.triggers.invoke({ name: 't-off' })) as { activationId?: string };
    expect(fired.activationId).to.match(/^[0-9a-f]{32}$/);
  });

  it('refuses rules naming missing entities with 400, duplicates with 409; updates keep the status', async function () {
    await ow.triggers.create({ name: 't-rules' });
    const noTrigger = await statusOf(ow.rules.create({ name: 'r-bad', trigger: 'nope', action: 'collect' }));
    expect(noTrigger.statusCode).to.equal(400);
    expect(noTrigger.error).to.have.property('error', 'trigger /guest/nope does not exist');
    const noAction = await statusOf(ow.rules.create({ name: 'r-bad', trigger: 't-rules', action: 'nope' }));
    expect(noAction.error).to.have.property('error', 'action /guest/nope does not exist');
    await ow.rules.create({ name: 'r-up', trigger: 't-rules', action: 'collect' });
    expect(
      (await statusOf(ow.rules.create({ name: 'r-up', trigger: 't-rules', action: 'collect' }))).statusCode,
    ).to.equal(409);
    await ow.rules.disable({ name: 'r-up' });
    const updated = await ow.rules.update({
      name: 'r-up',
      trigger: 't-rules',
      action: '/whisk.system/utils/echo',
    });
    expect(updated).to.deep.include({
      status: 'inactive',
      action: { path: 'whisk.system/utils', name: 'echo' },
    });
    const deleted = await ow.rules.delete({ name: 'r-up' });
    expect(deleted).to.include({ status: 'inactive' });
    expect((await statusOf(ow.rules.get({ name: 'r-up' }))).statusCode).to.equal(404);
  });

  it('lists triggers and rules in namespaces.get', async function () {
    const namespace = (await ow.namespaces.get({ namespace: 'guest' })) as unknown as Record<
      string,
      { name: string }[]
    >;
    expect(namespace['triggers']?.map((t) => t.name)).to.include('t-fire');
    expect(namespace['rules']?.map((r) => r.name)).to.include('r-fire');
  });
});
