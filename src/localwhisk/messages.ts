// Texts the OpenWhisk controller sends, kept verbatim so clients that match on them keep working.

export const resourceDoesNotExist = 'The requested resource does not exist.';
export const authenticationMissing =
  'The resource requires authentication, which was not supplied with the request';
export const authenticationInvalid = 'The supplied authentication is invalid';
export const notAuthorized = 'The supplied authentication is not authorized to access this resource.';
export const resourceExists = 'resource already exists';
export const abnormalRun = 'The action did not produce a valid response and exited unexpectedly.';
export const abnormalInitialization = 'The action did not initialize and exited unexpectedly.';
export const memoryExhausted = 'The action exhausted its memory and was aborted.';
export const systemShutdown = 'The controller was shut down before the action finished.';

export const tooManyRequests = (count: number, allowed: number): string =>
  `Too many requests in the last minute (count: ${count}, allowed: ${allowed}).`;

export const tooManyConcurrentRequests = (count: number, allowed: number): string =>
  `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`;

export const timedOut = (timeoutMs: number, duringInit: boolean): string =>
  `The action exceeded its time limits of ${timeoutMs} milliseconds${duringInit ? ' during initialization.' : '.'}`;

export const requestTooBig = (size: number, allowed: number): string =>
  `Request larger than allowed: ${size} > ${allowed} bytes.`;

export const responseTooBig = (size: number, allowed: number): string =>
  `The action produced a response that exceeded the allowed length: ${size} > ${allowed} bytes.`;

export const logsTruncated = (limitBytes: number): string =>
  `Logs were truncated because the total bytes size exceeds the limit of ${limitBytes} bytes.`;
