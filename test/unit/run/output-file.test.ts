import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { writeOutputFile } from '../../../src/run/output-file.js';

describe('writeOutputFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whisk-output-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the file and answers undefined', async () => {
    const file = join(dir, 'ok.svg');
    expect(await writeOutputFile(file, '--plot', () => writeFile(file, '<svg/>'))).to.equal(undefined);
    expect(readFileSync(file, 'utf8')).to.equal('<svg/>');
  });

  it('turns a failed write into one line naming the option, the file and the reason', async () => {
    const parent = join(dir, 'a-file');
    writeFileSync(parent, '');
    const file = join(parent, 'run.svg');
    const line = await writeOutputFile(file, '--plot', () => writeFile(file, '<svg/>'));
    expect(line).to.equal(
      `--plot: could not write ${file}: a parent is not a directory (ENOTDIR); the result above is complete`,
    );
  });
});
