import { expect } from 'chai';
import { strToU8, zipSync } from 'fflate';
import type openwhisk from 'openwhisk';

import { startLocalWhisk, type LocalWhisk } from '../../../src/localwhisk/index.js';
import { client, failedRecord, pollActivation, statusOf } from './support.js';

/** Waits (deadline: `attempts` polls) for a record of `name` newer than those in `seen`. */
async function nextActivationOf(
  ow: openwhisk.Client,
  name: string,
  seen: ReadonlySet<string>,
  attempts = 200,
): Promise<openwhisk.Activation<openwhisk.Dict>> {
  for (let i = 0; i < attempts; i++) {
    const fresh = (await ow.activations.list({ name, limit: 50 })).find((a) => !seen.has(a.activationId));
    if (fresh) return pollActivation(ow, fresh.activationId);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no activation of ${name} arrived`);
}

type FeedOptions = { name: string; trigger: string; params?: openwhisk.Dict };
type FeedCall = (options: FeedOptions) => Promise<openwhisk.Activation<openwhisk.Dict>>;
/** The SDK's feeds (its type definitions list only create and delete). */
type Feeds = Record<'create' | 'get' | 'update' | 'delete', FeedCall>;

/** Creates trigger `trigger` and an action `action` returning its input, joined by the rule `on-<trigger>`. */
async function echoOnFire(ow: openwhisk.Client, trigger: string, action: string): Promise<void> {
  await ow.actions.create({ name: action, action: 'function main(p) { return p; }' });
  await ow.triggers.create({ name: trigger });
  await ow.rules.create({ name: `on-${trigger}`, trigger, action });
}

/** Polls `check` every 50 ms until it holds; fails after `attempts` polls. */
async function until(what: string, check: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function zipAction(files: Record<string, string>): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(files)) entries[name] = strToU8(text);
  return Buffer.from(zipSync(entries));
}

describe('localwhisk catalog, bindings, zip actions and alarms through the openwhisk SDK', function () {
  let whisk: LocalWhisk;
  let ow: openwhisk.Client;

  before(async function () {
    whisk = await startLocalWhisk();
    ow = client(whisk);
  });

  after(async function () {
    await whisk.close();
  });

  it('serves /whisk.system/utils as a shared package any namespace can read and invoke', async function () {
    const sorted = await ow.actions.invoke({
      name: '/whisk.system/utils/sort',
      blocking: true,
      params: { lines: ['b', 'c', 'a'] },
    });
    expect(sorted.response?.result).to.deep.equal({ length: 3, lines: ['a', 'b', 'c'] });
    expect(sorted.namespace).to.equal('guest');
    const utils = await ow.packages.get({ name: '/whisk.system/utils' });
    expect(utils.publish).to.equal(true);
    expect((utils as unknown as { actions: { name: string }[] }).actions.map((a) => a.name)).to.include(
      'echo',
    );
    const write = await statusOf(ow.actions.create({ name: '/whisk.system/utils/mine', action: 'x' }));
    expect(write.statusCode).to.equal(403);
  });

  it('invokes through a package binding with the binding parameters over the package ones', async function () {
    await ow.packages.create({
      name: 'myutils',
      package: {
        binding: { namespace: 'whisk.system', name: 'utils' },
        parameters: [{ key: 'from', value: 'binding' }],
      },
    });
    const record = await ow.actions.invoke({ name: 'myutils/echo', blocking: true, params: { x: 1 } });
    expect(record.response?.result).to.deep.equal({ from: 'binding', x: 1 });
    const missing = await statusOf(
      ow.packages.create({
        name: 'nobind',
        package: { binding: { namespace: 'whisk.system', name: 'nope' } },
      }),
    );
    expect(missing.statusCode).to.equal(400);
  });

  it('runs a zip action with package.json main and node_modules, as the SDK sends it (base64, no flag)', async function () {
    const zip = zipAction({
      'package.json': JSON.stringify({ main: 'lib/entry.js' }),
      'lib/entry.js': "const shout = require('shout');\nexports.run = (p) => ({ said: shout(p.word) });\n",
      'node_modules/shout/index.js': 'module.exports = (s) => String(s).toUpperCase() + "!";\n',
    });
    const created = await ow.actions.create({ name: 'zipped', action: zip, exec: { main: 'run' } } as never);
    expect(created.exec).to.include({ binary: true, main: 'run' });
    const record = await ow.actions.invoke({ name: 'zipped', blocking: true, params: { word: 'hi' } });
    expect(record.response?.result).to.deep.equal({ said: 'HI!' });
  });

  it('runs a zip with index.js only, and fails clearly for a zip without either', async function () {
    await ow.actions.create({
      name: 'zip-index',
      action: zipAction({ 'index.js': 'exports.main = (p) => p;' }),
    });
    const ok = await ow.actions.invoke({ name: 'zip-index', blocking: true, params: { a: 1 } });
    expect(ok.response?.result).to.deep.equal({ a: 1 });
    await ow.actions.create({ name: 'zip-empty', action: zipAction({ 'other.js': '' }) });
    const failed = await failedRecord(ow, 'zip-empty');
    expect(failed.response?.status).to.equal('action developer error');
    expect(String(failed.response?.result['error'])).to.include(
      'Zipped actions must contain either package.json or index.js at the root.',
    );
  });

  it('fires a trigger on an alarm cron with seconds until the feed is deleted', async function () {
    await echoOnFire(ow, 'every-second', 'tick');
    const feeds = ow.feeds as unknown as Feeds;
    const feed = { name: '/whisk.system/alarms/alarm', trigger: 'every-second' };
    const created = await feeds.create({
      ...feed,
      params: { cron: '* * * * * *', trigger_payload: { beat: 1 } },
    });
    expect(created.response?.result).to.deep.equal({ status: 'success' });
    const record = await nextActivationOf(ow, 'tick', new Set());
    expect(record.response?.result).to.deep.equal({ beat: 1 });
    const read = await feeds.get(feed);
    expect(read.response?.result).to.have.nested.property('config.cron', '* * * * * *');
    const bad = await statusOf(feeds.update({ ...feed, params: { cron: 'not a cron' } }));
    expect(bad.statusCode).to.equal(502);
    const deleted = await feeds.delete(feed);
    expect(deleted.response?.success).to.equal(true);
    const gone = await statusOf(feeds.get(feed));
    expect(gone.statusCode).to.equal(502);
  });

  it('fires an interval alarm from its startDate, and refuses a bad minutes value', async function () {
    const feeds = ow.feeds as unknown as Feeds;
    await echoOnFire(ow, 'every-minute', 'interval-target');
    const feed = { name: '/whisk.system/alarms/interval', trigger: 'every-minute' };
    const bad = await statusOf(feeds.create({ ...feed, params: { minutes: 0 } }));
    expect(bad.error).to.have.nested.property(
      'response.result.error',
      'the minutes parameter must be an integer greater than zero',
    );
    const startDate = new Date(Date.now() + 1000).toISOString();
    await feeds.create({ ...feed, params: { minutes: 1, startDate, trigger_payload: { every: 'minute' } } });
    const record = await nextActivationOf(ow, 'interval-target', new Set());
    expect(record.response?.result).to.deep.equal({ every: 'minute' });
    await ow.triggers.delete({ name: 'every-minute' });
    // Deleting the trigger stopped its alarm: the feed no longer knows it.
    expect((await statusOf(feeds.get(feed))).statusCode).to.equal(502);
  });

  it('stops an alarm after maxTriggers fires', async function () {
    const feeds = ow.feeds as unknown as Feeds;
    await echoOnFire(ow, 'twice', 'twice-target');
    const feed = { name: '/whisk.system/alarms/alarm', trigger: 'twice' };
    await feeds.create({ ...feed, params: { cron: '* * * * * *', maxTriggers: 2 } });
    await until('the alarm to stop', async () => {
      const read = await feeds.get(feed);
      return (
        read.response?.result['status'] !== undefined &&
        !(read.response.result['status'] as { active: boolean }).active
      );
    });
    const fires = (await ow.activations.list({ name: 'twice', limit: 50 })).length;
    expect(fires).to.equal(2);
  });

  it('deletes the trigger and its rules after a once alarm with deleteAfterFire: rules', async function () {
    await ow.triggers.create({ name: 'once-and-gone' });
    await ow.rules.create({
      name: 'on-once-and-gone',
      trigger: 'once-and-gone',
      action: '/whisk.system/utils/echo',
    });
    await (ow.feeds as unknown as Feeds).create({
      name: '/whisk.system/alarms/once',
      trigger: 'once-and-gone',
      params: { date: new Date(Date.now() + 1000).toISOString(), deleteAfterFire: 'rules' },
    });
    await until('the trigger to be deleted', () =>
      ow.triggers.get({ name: 'once-and-gone' }).then(
        () => false,
        (error: unknown) => (error as { statusCode?: number }).statusCode === 404,
      ),
    );
    expect((await statusOf(ow.rules.get({ name: 'on-once-and-gone' }))).statusCode).to.equal(404);
  });

  it('leaves the catalog out with catalog: false', async function () {
    const bare = await startLocalWhisk({ catalog: false, prewarmContainers: 0 });
    try {
      const missing = await statusOf(client(bare).actions.invoke({ name: '/whisk.system/utils/echo' }));
      expect(missing.statusCode).to.equal(403);
    } finally {
      await bare.close();
    }
  });

  it('fires a once alarm at its date', async function () {
    await echoOnFire(ow, 'at-once', 'once-target');
    const date = new Date(Date.now() + 2000).toISOString();
    await (ow.feeds as unknown as Feeds).create({
      name: '/whisk.system/alarms/once',
      trigger: 'at-once',
      params: { date, trigger_payload: 'now' },
    });
    const record = await nextActivationOf(ow, 'once-target', new Set());
    expect(record.response?.result).to.deep.equal({ payload: 'now' });
  });
});
