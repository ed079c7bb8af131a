/**
 * `whisk-sync check history.jsonl [--json] [--drawn-values] [--run ID]`: judges a recorded run history.
 * Exit status: 0 when every property holds, 1 when one fails, 2 for a usage error.
 */
import { checkHistory } from '../history/checker.js';
import { HistoryFileError, HistoryFormatError } from '../history/errors.js';
import { formatReport } from '../history/format-report.js';
import { readHistoryFile } from '../history/jsonl.js';
import { UsageError } from '../run/errors.js';
import { parseCommandLine } from '../run/option-values.js';
import { EXIT_USAGE, reportFailure, type Command, type CommandIo } from './command.js';
import { formatHelp } from './help.js';

const USAGE = formatHelp({
  name: 'check',
  usage: '<history.jsonl> [options]',
  summary: 'Checks a JSONL run history for Mutual exclusion, Agreement, Validity, Termination and Fencing.',
  options: [
    { flags: '--json', text: 'print the report as JSON instead of text', default: 'off' },
    {
      flags: '--shared-clock',
      text: 'accepted for older scripts and ignored: times of different parties are never compared (order across parties comes from causality, on any machine)',
      default: 'off',
    },
    {
      flags: '--drawn-values',
      text: 'the slaves were the shipped slave: every value must be an integer in 0..1000',
      default: 'off: any JSON value, as a slave action on whisk-sync/action appends',
    },
    { flags: '--run ID', text: 'check only this run id', default: 'every run in the file' },
  ],
  exit: '0 all properties hold, 1 a property fails (or the checker failed), 2 usage error (bad arguments, unreadable or malformed file)',
});

async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      json: { type: 'boolean', default: false },
      'shared-clock': { type: 'boolean', default: false },
      'drawn-values': { type: 'boolean', default: false },
      run: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'missing history file' : 'expected exactly one history file',
    );
  }
  const file = positionals[0] ?? '';
  const events = await readHistoryFile(file);
  if (events.length === 0) throw new UsageError(`${file} holds no events`);
  const report = checkHistory(events, {
    drawnValues: values['drawn-values'],
    ...(values.run === undefined ? {} : { runId: values.run }),
  });
  if (report.runs.length === 0) throw new UsageError(`run ${values.run ?? ''} does not occur in ${file}`);
  io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.passed ? 0 : 1;
}

export const check: Command = {
  name: 'check',
  summary: 'check a recorded run history against the protocol properties',
  interruptible: false,
  run: (argv, _env, io) =>
    main(argv, io).catch((err: unknown) => {
      // A file that cannot be read or parsed is the user's input, like a bad argument.
      if (err instanceof HistoryFileError || err instanceof HistoryFormatError) {
        io.stderr.write(`check: ${err.message}\n`);
        return EXIT_USAGE;
      }
      const code = reportFailure('check', err, io, { debug: argv.includes('--debug') });
      if (err instanceof UsageError) io.stderr.write('run with --help for usage\n');
      return code;
    }),
};
