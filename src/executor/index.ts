export { FunctionExecutor } from './executor.js';
export type {
  CallOptions,
  ExecutorStats,
  ExecutorTarget,
  GetResultOptions,
  MapOptions,
  ReturnWhen,
  WaitOptions,
  WaitResult,
} from './executor.js';
export { ResponseFuture } from './future.js';
export type { FutureStatus, FutureWaitOptions } from './future.js';
export type { ActivationStats } from './outcome.js';
export type { Progress, ProgressListener } from './progress.js';
export type { FunctionExecutorOptions } from './options.js';
export {
  COMMAND_LINE_OPTIONS,
  describeConfig,
  LIBRARY_OPTIONS,
  normalizeApihost,
  resolveConfig,
} from './config.js';
export type {
  ConfigEnvironment,
  ConfigSource,
  ConnectionOptions,
  LocalConfig,
  OptionNames,
  RemoteConfig,
  ResolvedConfig,
  TargetMode,
} from './config.js';
export {
  AbortedError,
  ActivationError,
  CapacityError,
  ConfigError,
  ExecutorClosedError,
  ExecutorError,
  ExecutorTimeoutError,
  InvocationError,
} from './errors.js';
export type { ActivationFailureStatus, ExecutorErrorCode, InvocationFailure } from './errors.js';
export type { ActivationRecord, Annotation, WhiskTransport } from './transport.js';
export { TransportError } from './transport.js';
export type { Clock } from './clock.js';
export type { BackoffPolicy } from './backoff.js';
export type { PollPolicy } from './poller.js';
export type { LocalWhiskHandle, StartLocalWhisk } from './local.js';
export { Secret, maskUrl } from './secret.js';
