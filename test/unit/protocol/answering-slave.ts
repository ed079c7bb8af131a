import type { JsonValue } from '../../../src/protocol/json-value.js';
import type { Message, Send } from '../../../src/protocol/messages.js';
import { SlaveMachine, type SlaveMachineConfig } from '../../../src/protocol/slave-machine.js';

/**
 * A slave machine whose callback answers `value` at once, inside the step that granted it: the
 * machine as the shipped slave drives it, for tests that are about the protocol, not the callback.
 */
export class AnsweringSlave extends SlaveMachine {
  constructor(
    config: SlaveMachineConfig,
    private readonly value: JsonValue,
  ) {
    super(config);
  }

  override receive(message: Message, now: number): Send[] {
    const out = super.receive(message, now);
    const grant = this.grant;
    return grant === undefined ? out : [...out, ...this.answer(grant.seq, this.value, now)];
  }
}
