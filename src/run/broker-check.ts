import { connect } from 'amqplib';

import { maskUrl } from '../executor/secret.js';
import { RunError } from './errors.js';

/** Default of {@link checkBroker}'s `timeoutMs`. */
export const BROKER_CHECK_TIMEOUT_MS = 5000;

const HOW_TO_FIX =
  'start RabbitMQ (`rabbitmq-server -detached`, or use a hosted one such as CloudAMQP) ' +
  'or point AMQP_URL / --amqp-url at a running broker';

/**
 * Opens and closes one connection to the broker, so that a run fails in seconds with a clear message
 * instead of waiting for every action to time out. Throws {@link RunError} `BROKER_UNREACHABLE`
 * (nothing answers, DNS, TLS, timeout) or `BROKER_REFUSED` (wrong credentials or vhost). Messages show
 * the URL with its password masked.
 */
export async function checkBroker(url: string, timeoutMs = BROKER_CHECK_TIMEOUT_MS): Promise<void> {
  const shown = maskUrl(url);
  let timer: NodeJS.Timeout | undefined;
  const attempt = connect(url, { timeout: timeoutMs, noDelay: true });
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new RunError(
          'BROKER_UNREACHABLE',
          `no answer from the broker at ${shown} within ${timeoutMs} ms: ${HOW_TO_FIX}`,
        ),
      );
    }, timeoutMs);
  });
  try {
    const connection = await Promise.race([attempt, deadline]);
    await connection.close();
  } catch (error) {
    // A connection that completes after the deadline must still be closed, or it keeps the process alive.
    attempt.then((late) => late.close()).catch(() => undefined);
    if (error instanceof RunError) throw error;
    throw describeFailure(error, shown, url);
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(error: unknown, shown: string, url: string): RunError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const raw = error instanceof Error ? error.message : String(error);
  // amqplib quotes the URL in some messages; never let its password through.
  const detail = (raw.split('\n')[0] ?? raw).split(url).join(shown);
  if (/ACCESS[-_]REFUSED/.test(detail)) {
    return new RunError(
      'BROKER_REFUSED',
      `the broker at ${shown} refused the credentials: check the user and password in AMQP_URL / --amqp-url`,
      { cause: error },
    );
  }
  if (/ConnectionClose|NOT_ALLOWED/.test(detail)) {
    return new RunError(
      'BROKER_REFUSED',
      `the broker at ${shown} refused the connection (does the vhost exist, may the user use it?): ${detail}`,
      { cause: error },
    );
  }
  const reason =
    code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'unknown host' : detail;
  return new RunError(
    'BROKER_UNREACHABLE',
    `cannot reach the broker at ${shown} (${reason}): ${HOW_TO_FIX}`,
    {
      cause: error,
    },
  );
}
