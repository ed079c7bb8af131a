import type { DeployReport } from '../deploy/deploy.js';
import { closestWord } from '../deploy/closest-word.js';
import { DeployError } from '../deploy/errors.js';
import type { Manifest } from '../deploy/manifest.js';

/** OpenWhisk's default action time limit, for a manifest that sets none. */
const DEFAULT_ACTION_TIMEOUT_MS = 60_000;

/** The two actions a round invokes, as a manifest declares them (the slave may be given instead). */
export interface RoundActions {
  /** Qualified name of the action named `leader`, e.g. `whisk-sync/leader`. */
  readonly leader: string;
  /** Qualified name of the action named `slave`. */
  readonly slave: string;
  /** The larger of the two actions' time limits (OpenWhisk's 60 s where the manifest sets none). */
  readonly timeoutMs: number;
}

/**
 * Finds the actions named `leader` and `slave` in a manifest, before anything is deployed. Throws
 * {@link DeployError} `MANIFEST_INVALID` naming a missing one, the manifest's actions and the closest
 * name (a manifest that declares `slaves:` would deploy an action no round invokes).
 *
 * @param slaveAction - the slave action the round runs instead of the manifest's `slave` (`--slave-action`);
 *   the manifest then needs no `slave`, and the action's time limit counts when the manifest declares it
 */
export function roundActions(manifest: Manifest, slaveAction?: string): RoundActions {
  const all = manifest.packages.flatMap((pkg) => pkg.actions);
  const find = (name: 'leader' | 'slave') => {
    const action = all.find((candidate) => candidate.name === name);
    if (action !== undefined) return action;
    const names = all.map((candidate) => candidate.name);
    const closest = closestWord(name, names);
    const declared = all.length === 0 ? 'none' : all.map((candidate) => candidate.qualifiedName).join(', ');
    throw new DeployError(
      'MANIFEST_INVALID',
      `${manifest.path}: a round needs an action named '${name}'; the manifest declares ${declared}` +
        (closest === undefined ? '' : ` (did you mean '${closest}'?)`),
    );
  };
  const leader = find('leader');
  const slave =
    slaveAction === undefined ? find('slave') : all.find((action) => action.qualifiedName === slaveAction);
  return {
    leader: leader.qualifiedName,
    slave: slaveAction ?? slave?.qualifiedName ?? '',
    timeoutMs: Math.max(
      leader.limits.timeout ?? DEFAULT_ACTION_TIMEOUT_MS,
      slave?.limits.timeout ?? DEFAULT_ACTION_TIMEOUT_MS,
    ),
  };
}

/** One line naming what a finished deployment created or updated, e.g. `deployed p/leader (created) and p/slave (created)`. */
export function describeDeployment(report: DeployReport): string {
  const actions = report.actions.map((action) => `${action.name} (${action.outcome})`);
  const last = actions.pop();
  if (last === undefined) return 'deployed no action';
  return `deployed ${actions.length === 0 ? last : `${actions.join(', ')} and ${last}`}`;
}
