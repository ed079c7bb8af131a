/** One option as `--help` lists it. */
export interface HelpOption {
  /** As typed, with its value's placeholder: `--port N`, `-h, --help`. */
  readonly flags: string;
  readonly text: string;
  /** Shown as `(default …)`; omit for flags that are simply off unless given. */
  readonly default?: string;
  /** Accepted values, e.g. `0..65535`; shown after the default. */
  readonly range?: string;
}

/** The parts of a command's `--help`. */
export interface Help {
  /** The command's name, as in `whisk-sync <name>` and `npm run <name>`. */
  readonly name: string;
  /** What follows `whisk-sync <name>`, e.g. `<history.jsonl> [options]`. */
  readonly usage: string;
  /** What the command does, one short paragraph. */
  readonly summary: string;
  readonly options: readonly HelpOption[];
  /** Meaning of each exit status, e.g. `0 every property holds, 1 one fails, 2 usage error`. */
  readonly exit: string;
  /** Further paragraphs, e.g. what must exist before the command runs. */
  readonly notes?: readonly string[];
}

/** Lines are wrapped at this width where the words allow. */
const LINE_WIDTH = 100;

/** The `-h, --help` entry every command lists last. */
export const HELP_OPTION: HelpOption = { flags: '-h, --help', text: 'show this help' };

/**
 * Every command's `--help` has this one layout: the usage lines (installed, and in a clone), the summary, the options (each with its
 * default and range), the exit statuses, then any notes.
 */
export function formatHelp(help: Help): string {
  const options = [...help.options, HELP_OPTION];
  const width = Math.max(...options.map((option) => option.flags.length)) + 2;
  const lines = options.map((option) => {
    const facts = [
      ...(option.default === undefined ? [] : [`default ${option.default}`]),
      ...(option.range === undefined ? [] : [option.range]),
    ];
    const suffix = facts.length === 0 ? '' : ` (${facts.join('; ')})`;
    return wrap(`${option.text}${suffix}`, LINE_WIDTH - width - 2)
      .map((line, i) => `  ${(i === 0 ? option.flags : '').padEnd(width)}${line}`)
      .join('\n');
  });
  return [
    `usage: whisk-sync ${help.name} ${help.usage}`,
    `       npm run ${help.name} -- ${help.usage}   (in a clone of the repository)`,
    '',
    help.summary,
    '',
    'options:',
    ...lines,
    '',
    ...wrap(`exit status: ${help.exit}`, LINE_WIDTH),
    ...(help.notes ?? []).flatMap((note) => ['', note]),
  ].join('\n');
}

/** Splits `text` into lines of at most `width` characters at spaces (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
