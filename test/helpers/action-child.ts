/**
 * Child-process side of {@link startAction}: runs one or more `main`s of one action concurrently in
 * this process and prints their results as one line `RESULT <json array>`.
 *
 * Environment: WHISK_ACTION (`leader` | `slave`), WHISK_PARAMS (JSON array of params objects),
 * WHISK_BUNDLE (optional path of a webpack bundle, loaded the way the OpenWhisk runtime loads plain code).
 */
import { readFileSync } from 'node:fs';
import { loadBundle } from './load-bundle.js';

type Main = (params: unknown) => Promise<unknown>;

interface ActionModule {
  main: Main;
  closeBrokerConnections?: () => Promise<void>;
}

async function load(action: string, bundle: string | undefined): Promise<ActionModule> {
  if (bundle !== undefined) return loadBundle(readFileSync(bundle, 'utf8'));
  if (action === 'leader') return import('../../actions/leader.js');
  if (action === 'slave') return import('../../actions/slave.js');
  throw new Error(`WHISK_ACTION must be leader or slave (got ${action})`);
}

const action = process.env.WHISK_ACTION ?? '';
const params = JSON.parse(process.env.WHISK_PARAMS ?? '[]') as unknown[];
const mod = await load(action, process.env.WHISK_BUNDLE);
const results = await Promise.all(params.map((p) => mod.main(p)));
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
await mod.closeBrokerConnections?.();
