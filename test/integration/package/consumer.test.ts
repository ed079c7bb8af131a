// Another project depends on whisk-sync: the built package must load through its `exports` map and
// give a TypeScript consumer typed FunctionExecutor, ResponseFuture and error classes.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER_TS = `import { FunctionExecutor, ResponseFuture, ActivationError, ConfigError, startLocalWhisk } from 'whisk-sync';
import type { FunctionExecutorOptions, JsonValue, SlaveResult } from 'whisk-sync';
import { joinRound } from 'whisk-sync/action';
import type { SlaveContext } from 'whisk-sync/action';

const options: FunctionExecutorOptions = { target: 'local', invokeConcurrency: 4 };
export async function lists(fexec: FunctionExecutor = new FunctionExecutor(options)): Promise<JsonValue[][]> {
  const futures: ResponseFuture<SlaveResult>[] = await fexec.map<SlaveResult>('whisk-sync/slave', [{ id: 0 }]);
  const results: SlaveResult[] = await fexec.getResult(futures);
  return results.map((r) => r.list);
}
export function describe(error: unknown): string {
  if (error instanceof ActivationError) return error.activationId;
  if (error instanceof ConfigError) return error.code;
  return String(error);
}
export const start: typeof startLocalWhisk = startLocalWhisk;
export const action = (params: unknown) => joinRound(params, ({ list }: SlaveContext) => list.length);
`;

const CONSUMER_MJS = `import * as ws from 'whisk-sync';
const names = ['FunctionExecutor', 'ResponseFuture', 'ActivationError', 'ExecutorTimeoutError', 'ConfigError',
  'startLocalWhisk', 'runRound', 'deployManifest', 'checkHistory', 'renderTimeline', 'createRunCredentials'];
const missing = names.filter((name) => typeof ws[name] !== 'function');
const action = await import('whisk-sync/action');
if (typeof action.joinRound !== 'function') missing.push('whisk-sync/action joinRound');
const fexec = new ws.FunctionExecutor({ target: 'local' });
await fexec.close();
console.log(JSON.stringify({ missing }));
`;

describe('the package as another project sees it', function () {
  let consumer: string;

  before(async function () {
    await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    consumer = mkdtempSync(join(tmpdir(), 'whisk-sync-consumer-'));
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(ROOT, join(consumer, 'node_modules', 'whisk-sync'), 'dir');
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
  });
  after(function () {
    rmSync(consumer, { recursive: true, force: true });
  });

  it('loads the public API through the exports map', async function () {
    writeFileSync(join(consumer, 'consumer.mjs'), CONSUMER_MJS);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: consumer, timeout: 60_000 });
    expect(JSON.parse(stdout)).to.deep.equal({ missing: [] });
  });

  it('type-checks a strict TypeScript consumer against the published declarations', async function () {
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          // As most consumers do: their own code is checked, third-party declarations are trusted.
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', consumer], {
      cwd: consumer,
      timeout: 120_000,
    }).then(
      () => ({ code: 0, output: '' }),
      (error: unknown) => {
        const failed = error as { code?: number; stdout?: string };
        return { code: failed.code ?? -1, output: failed.stdout ?? '' };
      },
    );
    expect(result.output).to.equal('');
    expect(result.code).to.equal(0);
  });
});
