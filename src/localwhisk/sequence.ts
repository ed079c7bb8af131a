import { STATUS_OF, type ActivationRecord } from './activation-record.js';
import type { Activator } from './activator.js';
import { actionPath, type ActionDoc, type KeyValue } from './entities.js';
import type { EntityStore } from './entity-store.js';
import { HttpError } from './errors.js';
import { isSequence, SEQUENCE_LIMIT } from './exec.js';

/**
 * Components a sequence (with the sequences nested in it) has started. Nested sequences count too, so a
 * cycle made by later updates ends at the limit instead of recursing forever.
 */
export interface SequenceBudget {
  started: number;
}

/** One sequence invocation. */
export interface SequenceRun {
  readonly sequence: ActionDoc;
  readonly activationId: string;
  readonly params: Record<string, unknown>;
  readonly caller: string;
  readonly subject: string;
  readonly annotations: readonly KeyValue[];
  readonly parent: { readonly activationId: string; readonly budget: SequenceBudget } | undefined;
}

export const componentMissing = 'Sequence component does not exist.';
export const sequenceTooLong = 'Too many actions in the sequence.';

type Response = ActivationRecord['response'];

function applicationError(error: string): Response {
  return { ...STATUS_OF.application, success: false, result: { error } };
}

/**
 * Runs the components in order, each with the previous result as input (over its own defaults). The
 * first failure ends the chain and becomes the sequence's response, as in OpenWhisk; the record's logs
 * are the component activation ids.
 */
export async function runSequence(
  activator: Activator,
  entities: EntityStore,
  run: SequenceRun,
): Promise<ActivationRecord> {
  const { sequence } = run;
  if (!isSequence(sequence.exec)) throw new Error('not a sequence');
  const start = Date.now();
  const budget = run.parent?.budget ?? { started: 0 };
  const ids: string[] = [];
  let input = run.params;
  let response: Response = { ...STATUS_OF.success, success: true, result: input };
  let duration = 0;
  for (const component of sequence.exec.components) {
    let resolved;
    try {
      resolved = entities.resolveAction(component, run.caller);
    } catch {
      resolved = undefined;
    }
    if (!resolved) {
      response = applicationError(componentMissing);
      break;
    }
    if (++budget.started > SEQUENCE_LIMIT) {
      response = applicationError(sequenceTooLong);
      break;
    }
    let record: ActivationRecord;
    try {
      const invocation = activator.invoke(resolved, input, {
        caller: run.caller,
        parent: { activationId: run.activationId, budget },
      });
      ids.push(invocation.activationId);
      record = await invocation.done;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      response = applicationError(error.message);
      break;
    }
    duration += record.duration;
    response = record.response;
    if (!response.success) break;
    input = response.result;
  }
  const annotations: KeyValue[] = [
    ...(run.parent ? [] : [{ key: 'topmost', value: true }]),
    { key: 'path', value: actionPath(sequence).slice(1) },
    { key: 'kind', value: 'sequence' },
    { key: 'limits', value: sequence.limits },
    ...run.annotations,
  ];
  return {
    activationId: run.activationId,
    namespace: run.caller,
    name: sequence.name,
    version: sequence.version,
    subject: run.subject,
    publish: false,
    start,
    end: Date.now(),
    duration,
    statusCode: response.statusCode,
    response,
    logs: ids,
    annotations,
    ...(run.parent ? { cause: run.parent.activationId } : {}),
  };
}
