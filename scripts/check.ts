/**
 * `npm run check -- history.jsonl [--json] [--shared-clock] [--drawn-values] [--run ID]`: judges a recorded run history.
 * Exit status: 0 when every property holds, 1 when one fails, 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { checkHistory } from '../src/history/checker.js';
import { HistoryFileError, HistoryFormatError } from '../src/history/errors.js';
import { formatReport } from '../src/history/format-report.js';
import { readHistoryFile } from '../src/history/jsonl.js';
import { UsageError } from '../src/run/errors.js';
import { parseArgsMessage } from '../src/run/option-values.js';

const USAGE = `usage: npm run check -- <history.jsonl> [--json] [--shared-clock] [--drawn-values] [--run <id>]

Checks a JSONL run history for Mutual exclusion, Agreement, Validity, Termination and Fencing.

  --json          print the report as JSON instead of text
  --shared-clock  all parties recorded times on one clock: also check that appends lie within grants
  --drawn-values  the slaves were the shipped slave: every value must be an integer in 0..1000
                  (default: any JSON value, as a slave action on whisk-sync/action appends)
  --run <id>      check only this run id (default: every run in the file)
  -h, --help      show this help

exit status: 0 all properties hold, 1 a property fails, 2 usage error (bad arguments, unreadable or
malformed file), 3 internal error of the checker
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'shared-clock': { type: 'boolean', default: false },
        'drawn-values': { type: 'boolean', default: false },
        run: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
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
    sharedClock: values['shared-clock'],
    drawnValues: values['drawn-values'],
    ...(values.run === undefined ? {} : { runId: values.run }),
  });
  if (report.runs.length === 0) throw new UsageError(`run ${values.run ?? ''} does not occur in ${file}`);
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return report.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known =
      err instanceof UsageError || err instanceof HistoryFileError || err instanceof HistoryFormatError;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`check: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write('run with --help for usage\n');
    // An unexpected failure is a bug of the checker, not of the input: keep its stack for the report.
    if (!known && err instanceof Error && err.stack !== undefined) process.stderr.write(err.stack + '\n');
    process.exitCode = known ? 2 : 3;
  },
);
