import { spawn, spawnSync } from 'node:child_process';

import { expect } from 'chai';
import openwhisk from 'openwhisk';

const SERVE = ['--import', 'tsx', 'src/cli/bin.ts', 'serve'];

describe('npm run serve', function () {
  it('prints the apihost, key and wsk line, serves the SDK, and stops cleanly on SIGTERM', async function () {
    const auth = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:servetestkey';
    const child = spawn(process.execPath, [...SERVE, '--port', '0', '--auth', auth], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const apihost = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1] !== undefined && out.includes('wsk property set')) resolve(match[1]);
      });
      child.once('exit', (code) => {
        reject(new Error(`serve exited with ${String(code)}: ${out}`));
      });
    });
    expect(out).to.include(`wsk property set --apihost ${apihost} --auth ${auth}`);
    const ow = openwhisk({ apihost, api_key: auth });
    await ow.actions.create({ name: 'hi', action: 'function main() { return { hi: 1 }; }' });
    expect(await ow.actions.invoke({ name: 'hi', blocking: true, result: true })).to.deep.equal({ hi: 1 });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  it('exits 2 with one line for a bad argument', function () {
    const run = spawnSync(process.execPath, [...SERVE, '--port', 'seventy'], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.include('--port must be an integer from 0 to 65535, got "seventy"');
  });

  it('exits 2 for an unknown option such as --bind', function () {
    const run = spawnSync(process.execPath, [...SERVE, '--bind', '0.0.0.0'], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
  });
});
