import { STATUS_OF, type ActivationRecord } from './activation-record.js';
import type { ActivationStore } from './activation-store.js';
import type { Activator } from './activator.js';
import { toObject } from './entities.js';
import type { EntityStore } from './entity-store.js';
import { HttpError } from './errors.js';
import { resourceDoesNotExist } from './messages.js';
import type { EntityName } from './names.js';
import { randomId } from './random-id.js';

const triggerWithInactiveRule = (rule: string, action: string): string =>
  `Rule '${rule}' is inactive, action '${action}' was not activated.`;

/** What one rule did on a fire: a line of the trigger activation's logs. */
interface RuleResult {
  readonly statusCode: number;
  readonly success: boolean;
  readonly activationId?: string;
  readonly error?: string;
  readonly rule: string;
  readonly action: string;
}

/**
 * Fires triggers: each active rule's action is invoked (not awaited) with the trigger's parameters under
 * the fire's payload, and one trigger activation records what each rule did.
 */
export class TriggerFirer {
  constructor(
    private readonly entities: EntityStore,
    private readonly activator: Activator,
    private readonly activations: ActivationStore,
    private readonly subject: string,
  ) {}

  /**
   * Fires `/namespace/name` as `caller`. Returns the trigger activation id, or undefined when no rule is
   * active (OpenWhisk then answers 204 and records nothing). Throws 404 when the trigger does not exist.
   */
  fire(
    namespace: string,
    name: string,
    payload: Record<string, unknown>,
    caller: string,
  ): string | undefined {
    const trigger = this.entities.in(namespace).triggers.get(name);
    if (!trigger) throw new HttpError(404, resourceDoesNotExist);
    const rules = [...trigger.rules];
    if (!rules.some(([, link]) => link.status === 'active')) return undefined;
    const start = Date.now();
    const activationId = randomId();
    const args = { ...toObject(trigger.parameters), ...payload };
    const logs = rules.map(([rule, link]) =>
      JSON.stringify(this.activate(rule, link.action, link.status, args, caller)),
    );
    const record: ActivationRecord = {
      activationId,
      namespace: caller,
      name: trigger.name,
      version: trigger.version,
      subject: this.subject,
      publish: false,
      start,
      end: start,
      duration: 0,
      statusCode: 0,
      response: { ...STATUS_OF.success, success: true, result: payload },
      logs,
      annotations: [],
    };
    this.activations.add(record);
    return activationId;
  }

  private activate(
    rule: string,
    action: EntityName,
    status: string,
    args: Record<string, unknown>,
    caller: string,
  ): RuleResult {
    const actionName = action.path.slice(1);
    const failed = (statusCode: number, error: string): RuleResult => ({
      statusCode,
      success: false,
      error,
      rule,
      action: actionName,
    });
    if (status !== 'active')
      return failed(STATUS_OF.application.statusCode, triggerWithInactiveRule(rule, actionName));
    try {
      const resolved = this.entities.resolveAction(action, caller);
      if (!resolved) return failed(STATUS_OF.application.statusCode, resourceDoesNotExist);
      const { activationId } = this.activator.invoke(resolved, args, { caller });
      return { statusCode: 0, success: true, activationId, rule, action: actionName };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const code = error.status >= 500 ? STATUS_OF.internal.statusCode : STATUS_OF.application.statusCode;
      return failed(code, error.message);
    }
  }
}
