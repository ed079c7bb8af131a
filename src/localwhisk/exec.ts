import { HttpError } from './errors.js';
import { parseEntityName, type EntityName } from './names.js';
import { isRecord } from '../is-record.js';

/** The concrete Node.js kind this controller runs, e.g. `nodejs:20`: what `nodejs:default` resolves to. */
export const NODE_KIND = `nodejs:${process.versions.node.split('.')[0] ?? '20'}`;

/** Most actions one sequence may name, OpenWhisk's `actionSequenceLimit` default. */
export const SEQUENCE_LIMIT = 50;

/** A Node.js action: its code as text, or (`binary`) a base64 zip with package.json or index.js. */
export interface CodeExec {
  readonly kind: string;
  readonly code: string;
  /** Given by the creator; the runtime's default `main` applies otherwise. */
  readonly main: string | undefined;
  readonly binary: boolean;
}

/** A sequence: each component's result is the next one's input. */
export interface SequenceExec {
  readonly kind: 'sequence';
  /** Fully qualified names, `/ns/[pkg/]name`, in order. */
  readonly components: readonly EntityName[];
}

export type ActionExec = CodeExec | SequenceExec;

export function isSequence(exec: ActionExec): exec is SequenceExec {
  return exec.kind === 'sequence';
}

const ENTRY_POINT = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;

/**
 * Whether `code` is an archive rather than source. As in OpenWhisk this is decided from the code itself
 * (non-empty base64 once trimmed), not from the `binary` flag, which the SDK does not send for a zip.
 */
export function isBinaryCode(code: string): boolean {
  const trimmed = code.trim();
  return trimmed.length > 0 && trimmed.length % 4 === 0 && BASE64.test(trimmed);
}

function codeExec(value: Record<string, unknown>, base: ActionExec | undefined): CodeExec {
  const previous = base !== undefined && !isSequence(base) ? base : undefined;
  const given = value['kind'] ?? previous?.kind;
  if (typeof given !== 'string') throw new HttpError(400, "'exec.kind' is required.");
  if (given !== 'nodejs:default' && !/^nodejs:\d+$/.test(given)) {
    throw new HttpError(
      400,
      `kind '${given}' is not supported here: this controller runs Node.js actions and sequences only.`,
    );
  }
  const code = value['code'] ?? previous?.code;
  if (typeof code !== 'string') throw new HttpError(400, "'exec.code' must be a string.");
  const main = value['main'] ?? (value['code'] === undefined ? previous?.main : undefined);
  if (main !== undefined && (typeof main !== 'string' || !ENTRY_POINT.test(main))) {
    throw new HttpError(400, `'exec.main' must name a function, got ${JSON.stringify(main)}.`);
  }
  const kind = given === 'nodejs:default' ? NODE_KIND : given;
  return { kind, code, main, binary: isBinaryCode(code) };
}

function sequenceExec(value: Record<string, unknown>, namespace: string): SequenceExec {
  const components = value['components'];
  if (!Array.isArray(components) || components.length === 0) {
    throw new HttpError(400, 'No component specified for the sequence.');
  }
  if (components.length > SEQUENCE_LIMIT) throw new HttpError(400, 'Too many actions in the sequence.');
  return {
    kind: 'sequence',
    components: components.map((component: unknown) => {
      if (typeof component !== 'string') {
        throw new HttpError(400, "'exec.components' must be an array of action names.");
      }
      return parseEntityName(component, namespace);
    }),
  };
}

/** Parses `exec` of an action PUT; with `base` (overwrite) an absent `exec` keeps the old one. */
export function parseExec(value: unknown, base: ActionExec | undefined, namespace: string): ActionExec {
  if (value === undefined) {
    if (base) return base;
    throw new HttpError(400, "The request content was malformed: 'exec' is required.");
  }
  if (!isRecord(value)) throw new HttpError(400, "'exec' must be an object.");
  return value['kind'] === 'sequence' ? sequenceExec(value, namespace) : codeExec(value, base);
}

/** `exec` as the REST API shows it; `withCode` false leaves out the code, as OpenWhisk does. */
export function execView(exec: ActionExec, withCode: boolean): Record<string, unknown> {
  if (isSequence(exec)) {
    return { kind: exec.kind, components: exec.components.map((c) => c.path), binary: false };
  }
  const view: Record<string, unknown> = { kind: exec.kind };
  if (withCode) view['code'] = exec.code;
  if (exec.main !== undefined) view['main'] = exec.main;
  view['binary'] = exec.binary;
  return view;
}
