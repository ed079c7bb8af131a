// The process inside one container. Plain JavaScript run by `node` directly (no loader, no TypeScript) so a
// container starts in tens of milliseconds. It talks to the controller over the IPC channel only:
//   controller -> { t: 'init', code, main } | { t: 'init', dir, main } | { t: 'runs', runs: [{ id, value, env }] }
//   container  -> { t: 'ready' } | { t: 'init', ok, error? } | { t: 'log', id, stream, line, time }
//              |  { t: 'done', id, kind, result }   (result is a JSON string)
// Semantics follow the OpenWhisk Node.js runtime: code evaluated once, `main` found in scope or in
// module.exports, `undefined` -> {}, rejection -> application error, synchronous throw -> developer error.

import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const activationContext = new AsyncLocalStorage();
const inFlight = new Set();
/** Partial (unterminated) output lines, per activation id and stream. */
const partialLines = new Map();
let handler;

const send = (message) => {
  if (process.connected) process.send(message);
};

// With more than one activation in flight, output is attributed through the async context of the code
// that wrote it; output written outside any activation goes to the only one in flight, if there is one.
function currentActivation() {
  const store = activationContext.getStore();
  if (store !== undefined) return store.id;
  if (inFlight.size === 1) return inFlight.values().next().value;
  return null;
}

function captureStream(stream, name) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const id = currentActivation();
    const key = `${id}\u0000${name}`;
    const lines = ((partialLines.get(key) ?? '') + text).split('\n');
    partialLines.set(key, lines.pop() ?? '');
    const time = new Date().toISOString();
    for (const line of lines) send({ t: 'log', id, stream: name, line, time });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}

function flushPartialLines(id) {
  for (const name of ['stdout', 'stderr']) {
    const key = `${id}\u0000${name}`;
    const rest = partialLines.get(key);
    partialLines.delete(key);
    if (rest) send({ t: 'log', id, stream: name, line: rest, time: new Date().toISOString() });
  }
}

captureStream(process.stdout, 'stdout');
captureStream(process.stderr, 'stderr');

const ENTRY_POINT = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

// A zip action, already unpacked into `dir`: loaded as a Node.js package (package.json `main`, else
// index.js), and `main` taken from its exports, as the runtime does.
function loadPackage(dir, main) {
  if (!existsSync(path.join(dir, 'package.json')) && !existsSync(path.join(dir, 'index.js'))) {
    throw new Error('Zipped actions must contain either package.json or index.js at the root.');
  }
  process.chdir(dir);
  const exported = createRequire(path.join(dir, 'noop.js'))(dir);
  return main.split('.').reduce((value, key) => (value == null ? undefined : value[key]), exported);
}

function init(message) {
  if (!ENTRY_POINT.test(message.main)) throw new Error(`Action entrypoint '${message.main}' is not valid.`);
  if (message.dir !== undefined) {
    const entry = loadPackage(message.dir, message.main);
    if (typeof entry !== 'function')
      throw new Error(`Action entrypoint '${message.main}' is not a function.`);
    handler = entry;
    return;
  }
  const filename = path.join(process.cwd(), 'action.js');
  const module = { exports: {} };
  // Like the runtime: `main` is looked up in the code's scope first, then in module.exports / exports.
  const source =
    `(function (module, exports, require, __filename, __dirname) {${message.code}\n` +
    `try { return ${message.main}; } catch (e) {\n` +
    `  if (e && e.name === 'ReferenceError') return module.exports.${message.main} || exports.${message.main};\n` +
    `  throw e;\n}\n})`;
  const wrapper = vm.runInThisContext(source, { filename });
  const entry = wrapper(module, module.exports, createRequire(filename), filename, process.cwd());
  if (typeof entry !== 'function') throw new Error(`Action entrypoint '${message.main}' is not a function.`);
  handler = entry;
}

function serializeError(error) {
  if (!(error instanceof Error)) return error;
  const out = { name: error.name, message: error.message, stack: error.stack };
  for (const key of Object.keys(error)) out[key] = error[key];
  return out;
}

function finish(id, kind, value) {
  let result;
  try {
    result = JSON.stringify(value);
  } catch (error) {
    kind = 'developer';
    result = JSON.stringify({ error: `The action did not produce a valid JSON response: ${String(error)}` });
  }
  flushPartialLines(id);
  inFlight.delete(id);
  send({ t: 'done', id, kind, result });
}

function settle(id, value) {
  if (value === undefined) return finish(id, 'success', {});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    console.error(
      `Result must be of type object but has type "${Array.isArray(value) ? 'array' : typeof value}"`,
    );
    return finish(id, 'developer', { error: 'The action did not return a dictionary.' });
  }
  return finish(id, Object.hasOwn(value, 'error') ? 'application' : 'success', value);
}

function run(message) {
  const { id } = message;
  inFlight.add(id);
  // The runtime copies the per-activation values into process.env at the start of each run; with several
  // activations in flight the last one started wins, exactly as in OpenWhisk.
  delete process.env.__OW_API_KEY;
  for (const [key, value] of Object.entries(message.env)) process.env[key] = value;
  activationContext.run({ id }, () => {
    let returned;
    try {
      returned = handler(message.value);
    } catch (error) {
      console.error(error);
      return finish(id, 'developer', { error: `An error has occurred: ${String(error)}` });
    }
    Promise.resolve(returned).then(
      (value) => settle(id, value),
      (error) => finish(id, 'application', { error: error ? serializeError(error) : {} }),
    );
  });
}

process.on('message', (message) => {
  if (message.t === 'init') {
    try {
      init(message);
      send({ t: 'init', ok: true });
    } catch (error) {
      console.error('Error during initialization:', error);
      send({
        t: 'init',
        ok: false,
        error: `Initialization has failed due to: ${error?.stack ?? String(error)}`,
      });
    }
  } else if (message.t === 'runs') {
    for (const one of message.runs) run(one);
  }
});

// The controller is gone: a container never outlives it.
process.on('disconnect', () => process.exit(0));
send({ t: 'ready' });
