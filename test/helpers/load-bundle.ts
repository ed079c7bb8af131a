/**
 * Loads a webpack action bundle the way the OpenWhisk Node.js runtime loads plain (non-zip) code:
 * the text is evaluated inside a function in the runtime's module scope, then `main` is looked up as a
 * global, falling back to `module.exports.main` (apache/openwhisk-runtime-nodejs, runner.js).
 */
import { createRequire } from 'node:module';

export interface LoadedAction {
  main: (params: unknown) => Promise<unknown>;
  /** Present when the bundle exports it: closes the bundle's cached broker connections. */
  closeBrokerConnections?: () => Promise<void>;
}

export function loadBundle(code: string): LoadedAction {
  const module = { exports: {} as Record<string, unknown> };
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating action code is the point
  const evaluate = new Function(
    'module',
    'exports',
    'require',
    `${code}\ntry { return main; } catch (e) { if (e.name === 'ReferenceError') return module.exports.main || exports.main; throw e; }`,
  ) as (m: typeof module, e: Record<string, unknown>, r: NodeJS.Require) => unknown;
  const main = evaluate(module, module.exports, require);
  if (typeof main !== 'function') throw new TypeError("the bundle's entry point 'main' is not a function");
  const close = module.exports.closeBrokerConnections;
  return {
    main: main as LoadedAction['main'],
    ...(typeof close === 'function' ? { closeBrokerConnections: close as () => Promise<void> } : {}),
  };
}
