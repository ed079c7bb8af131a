import type { ActivationRecord } from './activation-record.js';
import type { ActivationStore } from './activation-store.js';
import type { KeyValue } from './entities.js';
import type { EntityStore, ResolvedAction } from './entity-store.js';
import { isSequence } from './exec.js';
import type { Invocation, Invoker } from './invoker.js';
import { runSequence, type SequenceBudget } from './sequence.js';
import { randomId } from './random-id.js';

/** Who invokes, and as part of what. */
export interface Activation {
  /** The namespace of the caller: the records' namespace and where relative names resolve. */
  readonly caller: string;
  /** Set when this activation is a component of a sequence. */
  readonly parent?: { readonly activationId: string; readonly budget: SequenceBudget };
}

/**
 * Invokes a resolved action of any kind: code and catalog actions through the invoker, sequences by
 * invoking their components in turn. Throws the invoker's 429 when a throttle refuses.
 */
export class Activator {
  constructor(
    private readonly invoker: Invoker,
    private readonly entities: EntityStore,
    private readonly activations: ActivationStore,
    private readonly subject: string,
  ) {}

  invoke(resolved: ResolvedAction, body: Record<string, unknown>, activation: Activation): Invocation {
    const params = { ...resolved.params, ...body };
    const annotations: KeyValue[] = [];
    if (resolved.binding !== undefined) annotations.push({ key: 'binding', value: resolved.binding });
    if (activation.parent) annotations.push({ key: 'causedBy', value: 'sequence' });
    if (!isSequence(resolved.action.exec)) {
      return this.invoker.invoke(resolved.action, params, {
        annotations,
        ...(activation.parent ? { cause: activation.parent.activationId } : {}),
      });
    }
    const activationId = randomId();
    const done: Promise<ActivationRecord> = runSequence(this, this.entities, {
      sequence: resolved.action,
      activationId,
      params,
      caller: activation.caller,
      subject: this.subject,
      annotations,
      parent: activation.parent,
    });
    done.then(
      (record) => {
        this.activations.add(record);
      },
      () => undefined,
    );
    return { activationId, done };
  }
}
