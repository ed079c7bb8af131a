import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import openwhisk from 'openwhisk';

import type { LocalWhisk } from '../../../src/localwhisk/index.js';

/** Source of a test action from test/fixtures/actions. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/actions/${name}.js`, import.meta.url), 'utf8');
}

/** An SDK client for the controller, exactly as an application would create one. */
export function client(whisk: LocalWhisk): openwhisk.Client {
  return openwhisk({ apihost: whisk.apihost, api_key: whisk.auth });
}

/** True while a process with this id exists (signal 0 only checks). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The status code of an SDK rejection. */
export async function statusOf(promise: Promise<unknown>): Promise<{ statusCode: number; error: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { statusCode: number; error: unknown };
    return { statusCode: e.statusCode, error: e.error };
  }
  throw new Error('expected the request to fail');
}

/** Invokes `name` blocking, expects OpenWhisk's 502 for a failed activation, and returns its record. */
export async function failedRecord(
  ow: openwhisk.Client,
  name: string,
  params: openwhisk.Dict = {},
): Promise<openwhisk.Activation<openwhisk.Dict>> {
  const { statusCode, error } = await statusOf(ow.actions.invoke({ name, blocking: true, params }));
  expect(statusCode).to.equal(502);
  return error as openwhisk.Activation<openwhisk.Dict>;
}

/** Polls activations.get, treating 404 as "not finished yet", until the record arrives or `attempts` run out. */
export async function pollActivation(
  ow: openwhisk.Client,
  activationId: string,
  attempts = 200,
): Promise<openwhisk.Activation<openwhisk.Dict>> {
  for (let i = 0; i < attempts; i++) {
    try {
      return await ow.activations.get({ name: activationId });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`activation ${activationId} did not finish`);
}

/** The value of an annotation of an activation record. */
export function annotationOf(
  record: { annotations?: { key: string; value: unknown }[] },
  key: string,
): unknown {
  return record.annotations?.find((a) => a.key === key)?.value;
}
