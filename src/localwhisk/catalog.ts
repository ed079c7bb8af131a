import type { AlarmKind, AlarmService } from './alarms.js';
import { DEFAULT_LIMITS, type ActionDoc, type KeyValue, type PackageDoc } from './entities.js';
import type { EntityStore } from './entity-store.js';
import { NODE_KIND } from './exec.js';
import type { NativeAction } from './native-action.js';
import { SYSTEM_NAMESPACE } from './names.js';

// The `/whisk.system/utils` actions of OpenWhisk's catalog: small Node.js actions run in containers like
// any other. Each keeps the catalog action's name, parameters and result fields.
const UTILS: Record<string, { description: string; code: string }> = {
  echo: {
    description: 'Returns the input',
    code: 'function main(params) {\n  return params;\n}\n',
  },
  cat: {
    description: 'Concatenates input into a string',
    code:
      'function main(params) {\n  const lines = Array.isArray(params.lines) ? params.lines : [];\n' +
      "  return { lines, payload: lines.join('\\n') };\n}\n",
  },
  sort: {
    description: 'Sorts an array',
    code:
      'function main(params) {\n  const lines = Array.isArray(params.lines) ? [...params.lines] : [];\n' +
      '  lines.sort();\n  return { length: lines.length, lines };\n}\n',
  },
  head: {
    description: 'Extracts the prefix of an array',
    code:
      'function main(params) {\n  const lines = Array.isArray(params.lines) ? params.lines : [];\n' +
      '  const num = Number.isInteger(params.num) ? params.num : 1;\n  return { lines: lines.slice(0, num) };\n}\n',
  },
  split: {
    description: 'Splits a string into an array of strings',
    code:
      "function main(params) {\n  const payload = typeof params.payload === 'string' ? params.payload : '';\n" +
      "  const separator = params.separator === undefined ? '\\n' : String(params.separator);\n" +
      '  return { lines: payload.split(separator) };\n}\n',
  },
  date: {
    description: 'Current date and time',
    code: 'function main() {\n  return { date: new Date().toISOString() };\n}\n',
  },
  namespace: {
    description: 'Returns namespace for the authorization key used to invoke this action',
    code: 'function main() {\n  return { namespace: process.env.__OW_NAMESPACE };\n}\n',
  },
};

const FEEDS: Record<AlarmKind, string> = {
  alarm: 'Fire trigger when alarm occurs',
  once: 'Fire trigger once when alarm occurs',
  interval: 'Fire trigger at specified interval',
};

function describe(description: string): KeyValue[] {
  return [{ key: 'description', value: description }];
}

function systemPackage(name: string, description: string, now: number): PackageDoc {
  return {
    namespace: SYSTEM_NAMESPACE,
    name,
    version: '0.0.1',
    publish: true,
    parameters: [],
    annotations: describe(description),
    updated: now,
    binding: undefined,
  };
}

function systemAction(
  packageName: string,
  name: string,
  code: string,
  annotations: KeyValue[],
  now: number,
  native?: NativeAction,
): ActionDoc {
  return {
    namespace: `${SYSTEM_NAMESPACE}/${packageName}`,
    name,
    version: '0.0.1',
    publish: true,
    parameters: [],
    annotations,
    updated: now,
    packageName,
    exec: { kind: NODE_KIND, code, main: undefined, binary: false },
    limits: DEFAULT_LIMITS,
    concurrencySet: false,
    ...(native ? { native } : {}),
  };
}

/**
 * Installs OpenWhisk's catalog in the `whisk.system` namespace as shared packages: `utils` (echo, cat,
 * sort, head, split, date, namespace) and `alarms` (the `alarm`, `once` and `interval` feeds).
 */
export function installCatalog(entities: EntityStore, alarms: AlarmService): void {
  const now = Date.now();
  const system = entities.in(SYSTEM_NAMESPACE);
  system.packages.set('utils', systemPackage('utils', 'Building blocks that format and assemble data', now));
  for (const [name, { description, code }] of Object.entries(UTILS)) {
    system.actions.set(`utils/${name}`, systemAction('utils', name, code, describe(description), now));
  }
  system.packages.set('alarms', systemPackage('alarms', 'Alarms and periodic utility', now));
  for (const kind of ['alarm', 'once', 'interval'] as const) {
    const annotations = [...describe(FEEDS[kind]), { key: 'feed', value: true }];
    const code = `// The ${kind} feed is served by the controller itself.\n`;
    system.actions.set(
      `alarms/${kind}`,
      systemAction('alarms', kind, code, annotations, now, alarms.feed(kind)),
    );
  }
}
