import { formatHelp } from '../cli/help.js';
import { UsageError } from '../run/errors.js';
import { parseCommandLine } from '../run/option-values.js';

/** What `npm run deploy -- [options]` was asked to do. */
export interface DeployCommand {
  /** Default `manifest.yaml`. */
  readonly manifest: string;
  readonly apihost?: string;
  readonly auth?: string;
  readonly debug: boolean;
}

/** The parsed command line: a deployment or a request for help. */
export type DeployInvocation =
  { readonly kind: 'help' } | { readonly kind: 'deploy'; readonly command: DeployCommand };

/** One-line usage, printed after every usage error. */
export const DEPLOY_USAGE_LINE =
  'usage: npm run deploy -- [--manifest FILE] [--apihost HOST] [--auth KEY] [--help]';

/** The manifest deployed when `--manifest` is not given: the one shipped with whisk-sync. */
export const DEFAULT_DEPLOY_MANIFEST = 'manifest.yaml';

/** The full `--help` text. */
export const DEPLOY_HELP = formatHelp({
  name: 'deploy',
  usage: '[options]',
  summary: 'Creates or updates the packages and actions of a wskdeploy manifest on the configured OpenWhisk.',
  options: [
    {
      flags: '--manifest FILE',
      text: 'manifest to deploy; $VAR and ${VAR} are taken from the environment',
      default: "manifest.yaml, whisk-sync's own leader and slave",
    },
    {
      flags: '--apihost HOST',
      text: 'OpenWhisk API host',
      default: '__OW_API_HOST, else APIHOST in ~/.wskprops or $WSK_CONFIG_FILE',
    },
    { flags: '--auth KEY', text: 'API key uuid:key', default: '__OW_API_KEY, else AUTH in ~/.wskprops' },
    { flags: '--debug', text: 'print stack traces of unexpected errors', default: 'off' },
  ],
  exit: '0 deployed, 1 failed, 2 usage error',
  notes: [
    'The code files named by the manifest (dist/*.js) must exist: in a clone, run npm run build first.\n' +
      'whisk-sync map deploys by itself, to the embedded controller when no OpenWhisk is configured.',
  ],
});

/** Parses the arguments after `npm run deploy --`; throws {@link UsageError} with one line. */
export function parseDeployArgs(argv: readonly string[]): DeployInvocation {
  const { values } = parseCommandLine(
    argv,
    {
      manifest: { type: 'string' },
      apihost: { type: 'string' },
      auth: { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help === true) return { kind: 'help' };
  for (const name of ['manifest', 'apihost', 'auth'] as const) {
    if (values[name]?.trim() === '') throw new UsageError(`--${name} must not be empty`);
  }
  return {
    kind: 'deploy',
    command: {
      manifest: values.manifest ?? DEFAULT_DEPLOY_MANIFEST,
      debug: values.debug === true,
      ...(values.apihost === undefined ? {} : { apihost: values.apihost }),
      ...(values.auth === undefined ? {} : { auth: values.auth }),
    },
  };
}
