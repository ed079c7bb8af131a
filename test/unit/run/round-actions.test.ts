import { expect } from 'chai';

import { DeployError } from '../../../src/deploy/errors.js';
import { parseManifest } from '../../../src/deploy/manifest.js';
import { describeDeployment, roundActions } from '../../../src/run/round-actions.js';

const PATH = '/project/manifest.yaml';
const manifest = (actions: string) =>
  parseManifest(`packages:\n  whisk-sync:\n    actions:\n${actions}`, { path: PATH, env: {} });

describe('roundActions', () => {
  it('finds the leader and the slave with the larger time limit', () => {
    const actions = roundActions(
      manifest(
        '      leader:\n        function: l.js\n        limits: {timeout: 300000}\n' +
          '      slave:\n        function: s.js\n',
      ),
    );
    expect(actions).to.deep.equal({
      leader: 'whisk-sync/leader',
      slave: 'whisk-sync/slave',
      timeoutMs: 300000,
    });
  });

  it('refuses a manifest without a slave, naming what it declares and the likely typo', () => {
    const text = '      leader:\n        function: l.js\n      slaves:\n        function: s.js\n';
    expect(() => roundActions(manifest(text)))
      .to.throw(DeployError)
      .with.property(
        'message',
        `${PATH}: a round needs an action named 'slave'; the manifest declares whisk-sync/leader, ` +
          "whisk-sync/slaves (did you mean 'slaves'?)",
      );
  });

  it('with a slave action given (--slave-action), needs no slave in the manifest and counts its time limit', () => {
    const text =
      '      leader:\n        function: l.js\n' +
      '      counter:\n        function: c.js\n        limits: {timeout: 120000}\n';
    expect(roundActions(manifest(text), 'whisk-sync/counter')).to.deep.equal({
      leader: 'whisk-sync/leader',
      slave: 'whisk-sync/counter',
      timeoutMs: 120000,
    });
    expect(roundActions(manifest(text), 'elsewhere/mine')).to.deep.equal({
      leader: 'whisk-sync/leader',
      slave: 'elsewhere/mine',
      timeoutMs: 60000,
    });
  });
});

describe('describeDeployment', () => {
  it('names each action the deployment wrote, with its outcome', () => {
    const action = (name: string, outcome: 'created' | 'updated') => ({
      name,
      kind: 'nodejs:20',
      bytes: 1,
      limits: {},
      outcome,
    });
    expect(
      describeDeployment({
        packages: [],
        actions: [action('p/leader', 'created'), action('p/slave', 'updated')],
      }),
    ).to.equal('deployed p/leader (created) and p/slave (updated)');
    expect(describeDeployment({ packages: [], actions: [] })).to.equal('deployed no action');
  });
});
