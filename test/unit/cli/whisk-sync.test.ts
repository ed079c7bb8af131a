// The `whisk-sync` command run in-process: every subcommand answers through run(argv, env, io) with
// 0, 1 or 2, never a rejection, and its --help has the one layout with every option's default or range.
import { expect } from 'chai';

import { COMMANDS } from '../../../src/cli/commands.js';
import type { CommandIo } from '../../../src/cli/command.js';
import { main } from '../../../src/cli/main.js';

interface Captured {
  readonly io: CommandIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** Streams that keep what is written; not terminals. */
function capture(): Captured {
  let out = '';
  let err = '';
  const stream = (append: (text: string) => void): NodeJS.WriteStream =>
    ({
      isTTY: false,
      columns: 80,
      write: (text: string) => {
        append(text);
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  return {
    io: {
      stdout: stream((text) => (out += text)),
      stderr: stream((text) => (err += text)),
      signal: new AbortController().signal,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** Commands whose --help is built by the shared formatter. */
const LAID_OUT = ['map', 'serve', 'deploy', 'check'];

describe('whisk-sync', function () {
  for (const name of LAID_OUT) {
    it(`${name} --help: usage, summary, every option with its default or range, exit statuses`, async () => {
      const out = capture();
      expect(await main([name, '--help'], {}, out.io)).to.equal(0);
      const text = out.stdout();
      expect(out.stderr()).to.equal('');
      const lines = text.split('\n');
      expect(lines[0]).to.match(new RegExp(`^usage: whisk-sync ${name} `));
      expect(lines[1]).to.match(new RegExp(`^ +npm run ${name} -- .*\\(in a clone of the repository\\)$`));
      expect(text)
        .to.match(/\noptions:\n/)
        .and.match(/\nexit status: 0 /);
      // Each option entry (a line starting at the option column), up to the blank line after them.
      const start = lines.indexOf('options:') + 1;
      const entries: string[] = [];
      for (const line of lines.slice(start, lines.indexOf('', start))) {
        if (/^ {2}\S/.test(line)) entries.push(line);
        else entries.push(`${entries.pop() ?? ''} ${line.trim()}`);
      }
      expect(entries.at(-1)).to.match(/^ {2}-h, --help +show this help$/);
      for (const entry of entries.slice(0, -1)) {
        expect(entry).to.match(/\(default [^()]*\)$|\(\d+\.\.\d+\)$/, `no default or range: ${entry}`);
      }
    });
  }

  it('lists every subcommand in its own --help', async () => {
    const out = capture();
    expect(await main(['--help'], {}, out.io)).to.equal(0);
    for (const command of COMMANDS) expect(out.stdout()).to.contain(`  ${command.name} `);
  });

  it('answers an unknown command with one line and exit 2', async () => {
    const out = capture();
    expect(await main(['mpa', '10'], {}, out.io)).to.equal(2);
    expect(out.stdout()).to.equal('');
    expect(out.stderr()).to.equal(
      "whisk-sync: unknown command 'mpa' (commands: map, serve, deploy, check, bench, soak; see whisk-sync --help)\n",
    );
  });

  it('answers no command with the overview and exit 2', async () => {
    const out = capture();
    expect(await main([], {}, out.io)).to.equal(2);
    expect(out.stdout()).to.match(/^usage: whisk-sync <command> \[arguments\]/);
  });

  for (const command of COMMANDS) {
    it(`${command.name}: an unknown option resolves to 2 with one line, never a rejection`, async () => {
      const out = capture();
      expect(await command.run(['--colour'], {}, out.io)).to.equal(2);
      expect(out.stdout()).to.equal('');
      expect(out.stderr()).to.match(new RegExp(`^${command.name}: Unknown option '--colour'`));
    });
  }
});
