import { timingSafeEqual } from 'node:crypto';

import { Cron } from 'croner';

import type { NativeAction, NativeOutcome } from './native-action.js';
import { parseEntityName } from './names.js';
import { isRecord } from '../is-record.js';

/** What the alarms feeds need from the controller. */
export interface AlarmHost {
  /** The one credential the controller accepts: a feed's `authKey` must be it. */
  readonly auth: string;
  triggerExists(namespace: string, name: string): boolean;
  /** Fires the trigger with `payload`; returns false when the trigger no longer exists. */
  fire(namespace: string, name: string, payload: Record<string, unknown>): boolean;
  /** Deletes the trigger, and with `withRules` the rules that name it (a `once` alarm's `deleteAfterFire`). */
  deleteTrigger(namespace: string, name: string, withRules: boolean): void;
}

type DeleteAfterFire = 'false' | 'true' | 'rules';

/** The alarms feeds: a cron schedule, one date, or every N minutes. */
export type AlarmKind = 'alarm' | 'once' | 'interval';

/** How long after its creation an interval alarm without `startDate` first fires, as the provider does. */
const INTERVAL_START_DELAY_MS = 30_000;

/** An alarm's settings as the feed's READ shows them under `config`. */
interface AlarmConfig {
  name: string;
  namespace: string;
  payload: Record<string, unknown>;
  cron?: string;
  minutes?: number;
  date?: string;
  startDate?: string;
  stopDate?: string;
  maxTriggers?: number;
  deleteAfterFire?: DeleteAfterFire;
}

interface Alarm {
  readonly config: AlarmConfig;
  job: Cron | undefined;
  active: boolean;
  dateChanged: number;
  fired: number;
}

class FeedError extends Error {}

const DELETE_AFTER_FIRE = new Set(['false', 'true', 'rules']);

function futureDate(value: unknown, name: string, after?: string): string {
  const text = String(value);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new FeedError(`${name} parameter '${text}' is not a valid Date`);
  if (date.getTime() <= Date.now()) throw new FeedError(`${name} parameter '${text}' must be in the future`);
  if (after !== undefined && date.getTime() <= new Date(after).getTime()) {
    throw new FeedError(
      `${name} parameter '${text}' must be greater than the startDate parameter '${after}'`,
    );
  }
  return text;
}

function checkCron(pattern: unknown): string {
  const text = String(pattern);
  try {
    new Cron(text, { paused: true, mode: '5-or-6-parts' }).stop();
  } catch {
    throw new FeedError(`cron pattern '${text}' is not valid`);
  }
  return text;
}

function payloadOf(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value === 'string') return { payload: value };
  if (isRecord(value)) return value;
  throw new FeedError('trigger_payload must be an object or a string');
}

/**
 * The `/whisk.system/alarms` feeds, run by the controller itself: `alarm` fires a trigger on a cron
 * schedule (five fields, or six with seconds first), `once` fires it at one date. Feed actions are
 * invoked with `lifecycleEvent` CREATE, READ, UPDATE or DELETE, `triggerName` and `authKey`, as the
 * CLI and the SDK's `feeds` do. Results and error texts follow openwhisk-package-alarms.
 */
export class AlarmService {
  private readonly alarms = new Map<string, Alarm>();

  constructor(private readonly host: AlarmHost) {}

  /** The feed action for `alarm` (cron), `once` (date) or `interval` (minutes). */
  feed(kind: AlarmKind): NativeAction {
    return (params, caller) => Promise.resolve(this.handle(kind, params, caller));
  }

  /** Stops the alarm of a deleted trigger: nothing is left to fire. */
  triggerDeleted(namespace: string, name: string): void {
    this.remove(`${namespace}/${name}`);
  }

  /** Stops every alarm (controller shutdown). */
  close(): void {
    for (const key of [...this.alarms.keys()]) this.remove(key);
  }

  private handle(kind: AlarmKind, params: Record<string, unknown>, caller: string): NativeOutcome {
    try {
      return { ok: true, result: this.lifecycle(kind, params, caller) };
    } catch (error) {
      if (error instanceof FeedError) return { ok: false, error: error.message };
      throw error;
    }
  }

  private lifecycle(
    kind: AlarmKind,
    params: Record<string, unknown>,
    caller: string,
  ): Record<string, unknown> {
    const { authKey, triggerName } = params;
    if (typeof authKey !== 'string' || authKey === '')
      throw new FeedError('no authKey parameter was provided');
    if (typeof triggerName !== 'string' || triggerName === '') {
      throw new FeedError('no trigger name parameter was provided');
    }
    const given = Buffer.from(authKey);
    const expected = Buffer.from(this.host.auth);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new FeedError('the authKey is not valid for this controller');
    }
    let trigger;
    try {
      trigger = parseEntityName(triggerName, caller);
    } catch {
      throw new FeedError(`trigger name '${triggerName}' is not valid`);
    }
    if (trigger.packageName !== undefined || trigger.namespace !== caller) {
      throw new FeedError(`trigger ${trigger.path} is not in the namespace of the authKey`);
    }
    const key = `${trigger.namespace}/${trigger.name}`;
    const existing = this.alarms.get(key);
    switch (params['lifecycleEvent']) {
      case 'CREATE': {
        if (!this.host.triggerExists(trigger.namespace, trigger.name)) {
          throw new FeedError(`trigger ${trigger.path} does not exist`);
        }
        if (existing) throw new FeedError(`trigger ${trigger.path} already has an alarm`);
        const config = this.createConfig(kind, params, trigger.namespace, trigger.name);
        this.start(key, config);
        return { status: 'success' };
      }
      case 'READ':
        return this.read(this.require(existing, trigger.path));
      case 'UPDATE': {
        const alarm = this.require(existing, trigger.path);
        const config = this.updatedConfig(alarm.config, params);
        this.remove(key);
        this.start(key, config);
        return { status: 'success' };
      }
      case 'DELETE':
        this.require(existing, trigger.path);
        this.remove(key);
        return { status: 'success' };
      default:
        throw new FeedError('unsupported lifecycleEvent');
    }
  }

  private require(alarm: Alarm | undefined, path: string): Alarm {
    if (!alarm) throw new FeedError(`trigger ${path} has no alarm`);
    return alarm;
  }

  private createConfig(
    kind: AlarmKind,
    params: Record<string, unknown>,
    namespace: string,
    name: string,
  ): AlarmConfig {
    const config: AlarmConfig = { name, namespace, payload: payloadOf(params['trigger_payload']) };
    if (kind === 'once') {
      if (params['date'] === undefined)
        throw new FeedError('alarms once trigger feed is missing the date parameter');
      config.date = futureDate(params['date'], 'date');
      if (params['deleteAfterFire'] !== undefined)
        config.deleteAfterFire = deleteAfterFire(params['deleteAfterFire']);
      return config;
    }
    if (kind === 'interval') {
      config.minutes = minutesOf(params['minutes']);
    } else {
      if (params['cron'] === undefined)
        throw new FeedError('alarms trigger feed is missing the cron parameter');
      config.cron = checkCron(params['cron']);
    }
    if (params['startDate'] !== undefined) config.startDate = futureDate(params['startDate'], 'startDate');
    else if (kind === 'interval') {
      config.startDate = new Date(Date.now() + INTERVAL_START_DELAY_MS).toISOString();
    }
    if (params['maxTriggers'] !== undefined && params['stopDate'] !== undefined) {
      throw new FeedError(
        kind === 'interval'
          ? 'maxTriggers is not supported for the interval trigger feed'
          : 'maxTriggers is not allowed when the stopDate parameter is specified',
      );
    }
    if (params['stopDate'] !== undefined) {
      config.stopDate = futureDate(params['stopDate'], 'stopDate', config.startDate);
    }
    const max = params['maxTriggers'];
    if (max !== undefined) {
      if (!Number.isInteger(Number(max))) throw new FeedError('maxTriggers must be an integer');
      if (Number(max) > 0) config.maxTriggers = Number(max);
    }
    return config;
  }

  private updatedConfig(previous: AlarmConfig, params: Record<string, unknown>): AlarmConfig {
    const config: AlarmConfig = { ...previous };
    let changed = false;
    if (params['trigger_payload'] !== undefined) {
      config.payload = payloadOf(params['trigger_payload']);
      changed = true;
    }
    if (previous.date !== undefined) {
      if (params['date'] !== undefined) {
        config.date = futureDate(params['date'], 'date');
        changed = true;
      }
      if (params['deleteAfterFire'] !== undefined) {
        config.deleteAfterFire = deleteAfterFire(params['deleteAfterFire']);
        changed = true;
      }
    } else {
      if (previous.minutes !== undefined && params['minutes'] !== undefined) {
        config.minutes = minutesOf(params['minutes']);
        changed = true;
      }
      if (previous.cron !== undefined && params['cron'] !== undefined) {
        config.cron = checkCron(params['cron']);
        changed = true;
      }
      if (params['startDate'] !== undefined) {
        config.startDate = futureDate(params['startDate'], 'startDate');
        changed = true;
      }
      if (params['stopDate'] !== undefined) {
        config.stopDate = futureDate(params['stopDate'], 'stopDate', config.startDate);
        changed = true;
      }
    }
    if (!changed) throw new FeedError('no updatable parameters were specified');
    return config;
  }

  private start(key: string, config: AlarmConfig): void {
    const alarm: Alarm = { config, job: undefined, active: true, dateChanged: Date.now(), fired: 0 };
    const options = {
      unref: true,
      mode: '5-or-6-parts' as const,
      ...(config.startDate === undefined ? {} : { startAt: new Date(config.startDate) }),
      ...(config.stopDate === undefined ? {} : { stopAt: new Date(config.stopDate) }),
      // Every second from startDate, but at least `minutes` apart: every N minutes from the start.
      ...(config.minutes === undefined ? {} : { interval: config.minutes * 60 }),
    };
    const pattern = config.date !== undefined ? new Date(config.date) : (config.cron ?? '* * * * * *');
    alarm.job = new Cron(pattern, options, () => {
      this.onTick(key, alarm);
    });
    this.alarms.set(key, alarm);
  }

  private onTick(key: string, alarm: Alarm): void {
    const { config } = alarm;
    if (!alarm.active) return;
    const fired = this.host.fire(config.namespace, config.name, config.payload);
    if (!fired) {
      // The trigger is gone: the alarm has nothing left to fire, as the provider disables it.
      this.remove(key);
      return;
    }
    alarm.fired += 1;
    const done =
      config.date !== undefined || (config.maxTriggers !== undefined && alarm.fired >= config.maxTriggers);
    if (!done) return;
    alarm.active = false;
    alarm.dateChanged = Date.now();
    alarm.job?.stop();
    if (config.deleteAfterFire === 'true' || config.deleteAfterFire === 'rules') {
      this.remove(key);
      this.host.deleteTrigger(config.namespace, config.name, config.deleteAfterFire === 'rules');
    }
  }

  private read(alarm: Alarm): Record<string, unknown> {
    return {
      config: { ...alarm.config },
      status: {
        active: alarm.active,
        dateChanged: alarm.dateChanged,
        dateChangedISO: new Date(alarm.dateChanged).toISOString(),
      },
    };
  }

  private remove(key: string): void {
    this.alarms.get(key)?.job?.stop();
    this.alarms.delete(key);
  }
}

function minutesOf(value: unknown): number {
  if (value === undefined) throw new FeedError('interval trigger feed is missing the minutes parameter');
  const minutes = Number(value);
  if (!Number.isInteger(minutes)) throw new FeedError('the minutes parameter must be an integer');
  if (minutes <= 0) throw new FeedError('the minutes parameter must be an integer greater than zero');
  return minutes;
}

function deleteAfterFire(value: unknown): DeleteAfterFire {
  const text = String(value).trim().toLowerCase();
  if (!DELETE_AFTER_FIRE.has(text)) {
    throw new FeedError('deleteAfterFire parameter must be one of [false, true, rules].');
  }
  return text as DeleteAfterFire;
}
