import { expect } from 'chai';

import { DeployError } from '../../../src/deploy/errors.js';
import { loadManifest, parseManifest } from '../../../src/deploy/manifest.js';

const PATH = '/project/manifest.yaml';

function parse(text: string, env: Record<string, string> = {}) {
  return parseManifest(text, { path: PATH, env });
}

function parseError(text: string, env: Record<string, string> = {}): DeployError {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).to.be.instanceOf(DeployError);
    return error as DeployError;
  }
  expect.fail('expected a DeployError');
}

const FULL = `
packages:
  whisk-sync:
    version: 0.1.0
    license: Apache-2.0
    inputs:
      region: eu
    annotations:
      owner: \${OWNER}
    actions:
      leader:
        function: dist/leader.js
        runtime: nodejs:20
        main: main
        inputs:
          leaseMs: 2000
          amqpUrl: $AMQP_URL
          mode: string
          config:
            type: json
            value: '{"a": 1}'
          label:
            type: string
            default: fallback
            description: used when no value is given
        annotations:
          provide-api-key: false
          note: 'on \${HOST}'
        limits:
          timeout: 120000
          memorySize: 256
          logSize: 10
      slave:
        function: dist/slave.js
`;

describe('parseManifest', () => {
  it('reads packages, actions, inputs, annotations and limits the way wskdeploy does', () => {
    const manifest = parse(FULL, { OWNER: 'ops', AMQP_URL: 'amqp://u:p@h', HOST: 'h1' });
    expect(manifest.path).to.equal(PATH);
    expect(manifest.packages).to.have.length(1);
    const [pkg] = manifest.packages;
    expect(pkg?.name).to.equal('whisk-sync');
    expect(pkg?.inputs).to.deep.equal({ region: 'eu' });
    expect(pkg?.annotations).to.deep.equal({ owner: 'ops' });
    const [leader, slave] = pkg?.actions ?? [];
    expect(leader).to.deep.equal({
      name: 'leader',
      qualifiedName: 'whisk-sync/leader',
      functionPath: '/project/dist/leader.js',
      runtime: 'nodejs:20',
      main: 'main',
      inputs: { leaseMs: 2000, amqpUrl: 'amqp://u:p@h', mode: '', config: { a: 1 }, label: 'fallback' },
      annotations: { 'provide-api-key': false, note: 'on h1' },
      limits: { timeout: 120000, memory: 256, logs: 10 },
    });
    expect(slave?.runtime, 'runtime inferred from .js').to.equal('nodejs:default');
    expect(slave?.limits).to.deep.equal({});
    expect(manifest.warnings).to.deep.equal([]);
  });

  it('accepts project: with packages under it', () => {
    const manifest = parse(
      'project:\n  name: demo\n  packages:\n    p:\n      actions:\n        a:\n          function: a.js\n',
    );
    expect(manifest.projectName).to.equal('demo');
    expect(manifest.packages[0]?.actions[0]?.qualifiedName).to.equal('p/a');
  });

  it('deploys the package named default without a package, as wskdeploy does', () => {
    const manifest = parse('packages:\n  default:\n    actions:\n      a:\n        function: a.js\n');
    expect(manifest.packages[0]?.name).to.equal(undefined);
    expect(manifest.packages[0]?.actions[0]?.qualifiedName).to.equal('a');
  });

  it('substitutes variables in package and action names and function paths', () => {
    const manifest = parse(
      'packages:\n  $PKG:\n    actions:\n      ${ACT}-x:\n        function: ${DIR}/a.js\n',
      {
        PKG: 'pp',
        ACT: 'aa',
        DIR: 'build',
      },
    );
    expect(manifest.packages[0]?.actions[0]).to.include({
      qualifiedName: 'pp/aa-x',
      functionPath: '/project/build/a.js',
    });
  });

  it('warns about unset variables and system limits it cannot apply', () => {
    const manifest = parse(
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        inputs: {u: $NOPE}\n        limits: {concurrentActivations: 5}\n',
    );
    expect(manifest.packages[0]?.actions[0]?.inputs).to.deep.equal({ u: '' });
    expect(manifest.warnings).to.have.length(2);
    expect(manifest.warnings[0]).to.contain('NOPE');
    expect(manifest.warnings[1]).to.contain('concurrentActivations');
  });

  it('takes limits given as variables', () => {
    const manifest = parse(
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        limits: {timeout: $T}\n',
      {
        T: '5000',
      },
    );
    expect(manifest.packages[0]?.actions[0]?.limits).to.deep.equal({ timeout: 5000 });
  });

  const invalid: [string, string, string][] = [
    ['invalid YAML', 'packages: [1\nx: 2', 'invalid YAML'],
    ['a scalar document', 'hello', 'expected a mapping'],
    ['no packages', '{}', 'no `packages:`'],
    ['empty packages', 'packages: {}', 'is empty'],
    [
      'an action without function',
      'packages:\n  p:\n    actions:\n      a:\n        runtime: nodejs:20',
      'missing `function`',
    ],
    [
      'a bad limit value',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        limits: {timeout: -1}',
      'positive integer',
    ],
    [
      'an unknown limit',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        limits: {cpu: 2}',
      "unknown key 'cpu' in packages.p.actions.a.limits (valid keys: timeout,",
    ],
    [
      'an unknown input type',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        inputs: {x: {type: blob, value: 1}}',
      "unknown input type 'blob'",
    ],
    [
      'json input that is not JSON',
      "packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        inputs: {x: {type: json, value: '{'}}",
      'not valid JSON',
    ],
  ];
  for (const [what, text, fragment] of invalid) {
    it(`rejects ${what} with one line naming the file`, () => {
      const error = parseError(text);
      expect(error.code).to.equal('MANIFEST_INVALID');
      expect(error.message).to.contain(PATH).and.contain(fragment);
      expect(error.message).not.to.contain('\n');
    });
  }

  // Typos at every level of the manifest: each names the key, its place and the key it most likely meant.
  const typos: [string, string, string][] = [
    ['at the top', 'packges:\n  p: {}', "unknown key 'packges' at the top level (did you mean 'packages'?)"],
    [
      'in project',
      'project:\n  name: x\n  pakages: {}',
      "unknown key 'pakages' in project (did you mean 'packages'?)",
    ],
    [
      'in a package (`action:` for `actions:`)',
      'packages:\n  whisk-sync:\n    action:\n      leader:\n        function: a.js',
      "unknown key 'action' in packages.whisk-sync (did you mean 'actions'?)",
    ],
    [
      'in an action',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        runtme: nodejs:20',
      "unknown key 'runtme' in packages.p.actions.a (did you mean 'runtime'?)",
    ],
    [
      'in limits, letter case aside',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        limits: {memorysize: 256}',
      "unknown key 'memorysize' in packages.p.actions.a.limits (did you mean 'memorySize'?)",
    ],
    [
      'in an input in its long form',
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        inputs: {x: {type: string, vaule: 1}}',
      "unknown key 'vaule' in packages.p.actions.a.inputs.x (did you mean 'value'?)",
    ],
    [
      'in the older package: form',
      'package:\n  name: p\n  actoins: {}',
      "unknown key 'actoins' in package (did you mean 'actions'?)",
    ],
  ];
  for (const [where, text, message] of typos) {
    it(`rejects an unknown key ${where}, with the closest valid key`, () => {
      const error = parseError(text);
      expect(error.code).to.equal('MANIFEST_INVALID');
      expect(error.message).to.equal(`${PATH}: ${message}`);
    });
  }

  it("accepts every key of wskdeploy's manifest, warning about those it does not apply", () => {
    const manifest = parse(`
project:
  name: demo
  version: 1.0.0
  namespace: ns
  apiHost: h
  packages:
    p:
      name: p
      version: 0.1.0
      license: Apache-2.0
      description: d
      public: false
      repositories: []
      dependencies: {}
      triggers: {}
      feeds: {}
      rules: {}
      sequences: {}
      apis: {}
      actions:
        a:
          location: a.js
          version: 1
          description: d
          outputs: {}
          exposedUrl: u
          web-export: true
          docker: image
          include: []
          limits: {timeout: 1000, memorySize: 128, logSize: 1, codeSize: 5}
          inputs:
            x: {type: integer, value: 3, description: d, required: true, status: s, schema: {}}
`);
    expect(manifest.packages[0]?.actions[0]?.inputs).to.deep.equal({ x: 3 });
    expect(manifest.warnings).to.deep.equal([
      'project.namespace is not applied by this deployer (wskdeploy applies it); ignored',
      'project.apiHost is not applied by this deployer (wskdeploy applies it); ignored',
      ...['public', 'dependencies', 'triggers', 'feeds', 'rules', 'sequences', 'apis'].map(
        (key) => `packages.p.${key} is not applied by this deployer (wskdeploy applies it); ignored`,
      ),
      ...['web-export', 'docker', 'include'].map(
        (key) =>
          `packages.p.actions.a.${key} is not applied by this deployer (wskdeploy applies it); ignored`,
      ),
      'packages.p.actions.a.limits.codeSize is a system limit the API cannot set; ignored',
    ]);
  });

  it('lists the valid keys when none is close', () => {
    const error = parseError('packages:\n  p:\n    triggerz2000: {}');
    expect(error.message).to.match(
      /unknown key 'triggerz2000' in packages\.p \(valid keys: actions, inputs, /,
    );
  });

  it('rejects an unknown runtime, listing the known ones', () => {
    const error = parseError(
      'packages:\n  p:\n    actions:\n      a:\n        function: a.js\n        runtime: nodejs:banana',
    );
    expect(error.code).to.equal('UNKNOWN_RUNTIME');
    expect(error.message).to.contain("'nodejs:banana'").and.contain('nodejs:20');
  });

  it('rejects a function whose runtime cannot be inferred', () => {
    const error = parseError('packages:\n  p:\n    actions:\n      a:\n        function: a.py');
    expect(error.code).to.equal('UNKNOWN_RUNTIME');
  });
});

describe('loadManifest', () => {
  it('reports a missing file with its path', () => {
    try {
      loadManifest('/nonexistent/dir/manifest.yaml');
      expect.fail('expected a DeployError');
    } catch (error) {
      expect(error).to.be.instanceOf(DeployError);
      expect((error as DeployError).code).to.equal('MANIFEST_NOT_FOUND');
      expect((error as DeployError).message).to.contain('/nonexistent/dir/manifest.yaml');
    }
  });
});
