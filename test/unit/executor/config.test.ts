import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { expect } from 'chai';

import {
  COMMAND_LINE_OPTIONS,
  describeConfig,
  normalizeApihost,
  processEnvironment,
  resolveConfig,
  type ConfigEnvironment,
  type RemoteConfig,
} from '../../../src/executor/config.js';
import { ConfigError } from '../../../src/executor/errors.js';
import { maskUrl } from '../../../src/executor/secret.js';
import { parseWskprops } from '../../../src/executor/wskprops.js';

const KEY =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';

describe('executor configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'whisk-sync-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The real file reader, with a chosen environment and home directory. */
  const environment = (env: Record<string, string | undefined>): ConfigEnvironment => ({
    ...processEnvironment(),
    env,
    homedir: dir,
  });
  const remote = (config: ReturnType<typeof resolveConfig>): RemoteConfig => {
    if (config.kind !== 'remote') expect.fail(`expected a remote configuration, got ${config.kind}`);
    return config;
  };

  it('reads APIHOST, AUTH and NAMESPACE from ~/.wskprops', () => {
    writeFileSync(
      join(dir, '.wskprops'),
      `# wsk CLI\nAPIHOST=ow.example.com\nAUTH=${KEY}\n\nNAMESPACE=team\n`,
    );
    const config = remote(resolveConfig({}, environment({})));
    expect(config.apihost).to.equal('https://ow.example.com');
    expect(config.auth.reveal()).to.equal(KEY);
    expect(config.namespace).to.equal('team');
    expect(config.sources).to.deep.equal({ apihost: 'wskprops', auth: 'wskprops', namespace: 'wskprops' });
  });

  it('reads the file named by WSK_CONFIG_FILE instead of ~/.wskprops', () => {
    writeFileSync(join(dir, '.wskprops'), `APIHOST=home.example.com\nAUTH=${KEY}\n`);
    const other = join(dir, 'other.props');
    writeFileSync(other, `APIHOST=http://other.example.com:3233/\nAUTH=${KEY}\n`);
    const config = remote(resolveConfig({}, environment({ WSK_CONFIG_FILE: other })));
    expect(config.apihost).to.equal('http://other.example.com:3233');
    expect(config.wskpropsPath).to.equal(other);
  });

  it('prefers __OW_* variables to the properties file, setting by setting', () => {
    writeFileSync(join(dir, '.wskprops'), `APIHOST=file.example.com\nAUTH=${KEY}\nNAMESPACE=filens\n`);
    const config = remote(
      resolveConfig({}, environment({ __OW_API_HOST: 'env.example.com', __OW_NAMESPACE: '' })),
    );
    expect(config.apihost).to.equal('https://env.example.com');
    expect(config.sources).to.deep.equal({ apihost: 'environment', auth: 'wskprops', namespace: 'wskprops' });
    expect(config.namespace).to.equal('filens');
  });

  it('prefers explicit options to the environment', () => {
    const config = remote(
      resolveConfig(
        { apihost: 'http://127.0.0.1:3233', apiKey: 'a:b', namespace: 'mine' },
        environment({ __OW_API_HOST: 'env.example.com', __OW_API_KEY: KEY, __OW_NAMESPACE: 'envns' }),
      ),
    );
    expect(config.apihost).to.equal('http://127.0.0.1:3233');
    expect(config.auth.reveal()).to.equal('a:b');
    expect(config.namespace).to.equal('mine');
    expect(config.sources.apihost).to.equal('options');
    expect(describeConfig(config)).to.equal('http://127.0.0.1:3233 namespace mine (from the apihost option)');
  });

  it('defaults the namespace to _ (the key owner)', () => {
    const config = remote(
      resolveConfig({}, environment({ __OW_API_HOST: 'h.example.com', __OW_API_KEY: KEY })),
    );
    expect(config.namespace).to.equal('_');
    expect(config.sources.namespace).to.equal('default');
  });

  it('falls back to the embedded controller when nothing is configured', () => {
    const config = resolveConfig({}, environment({}));
    expect(config).to.deep.include({ kind: 'local', reason: 'unconfigured' });
    expect(describeConfig(config)).to.contain('embedded controller');
  });

  it('uses the embedded controller when asked, whatever is configured', () => {
    const config = resolveConfig({ target: 'local' }, environment({ __OW_API_HOST: 'h', __OW_API_KEY: KEY }));
    expect(config).to.deep.include({ kind: 'local', reason: 'requested' });
  });

  it('refuses a missing configuration when a remote target is required', () => {
    expect(() => resolveConfig({ target: 'remote' }, environment({})))
      .to.throw(ConfigError, /no OpenWhisk configured.*__OW_API_HOST/)
      .with.property('code', 'CONFIG_INVALID');
  });

  it('names the missing API key and where the host came from', () => {
    expect(() => resolveConfig({}, environment({ __OW_API_HOST: 'h.example.com' }))).to.throw(
      ConfigError,
      /API key missing: the API host came from __OW_API_HOST.*__OW_API_KEY/,
    );
  });

  it('names the command-line flags, not the option names, when told to', () => {
    const wskprops = join(dir, '.wskprops');
    expect(() =>
      resolveConfig({ apihost: 'http://h', optionNames: COMMAND_LINE_OPTIONS }, environment({})),
    ).to.throw(
      ConfigError,
      'OpenWhisk API key missing: the API host came from --apihost, but no key was given: ' +
        `set __OW_API_KEY, put AUTH in ${wskprops}, or pass --auth`,
    );
    expect(() =>
      resolveConfig({ target: 'remote', optionNames: COMMAND_LINE_OPTIONS }, environment({})),
    ).to.throw(ConfigError, /, or pass --apihost and --auth$/);
    const config = resolveConfig({ apihost: 'http://h', apiKey: KEY }, environment({}));
    expect(describeConfig(config, COMMAND_LINE_OPTIONS)).to.equal('http://h namespace _ (from --apihost)');
  });

  it('names the missing API host without echoing the key', () => {
    let message = '';
    try {
      resolveConfig({ apiKey: KEY }, environment({}));
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).to.match(/API host missing/);
    expect(message).not.to.contain(KEY.split(':')[1]);
  });

  it('rejects an unknown target and a non-http apihost', () => {
    expect(() => resolveConfig({ target: 'cloud' as 'auto' }, environment({}))).to.throw(
      ConfigError,
      /target/,
    );
    expect(() => resolveConfig({ apihost: 'ftp://h', apiKey: KEY }, environment({}))).to.throw(
      ConfigError,
      /http or https/,
    );
  });

  it('never shows the key when the configuration is printed', () => {
    const config = resolveConfig({ apihost: 'h', apiKey: KEY }, environment({}));
    const secretPart = KEY.split(':')[1]!;
    expect(JSON.stringify(config)).not.to.contain(secretPart);
    expect(inspect(config, { depth: 5 })).not.to.contain(secretPart);
    expect(String((config as RemoteConfig).auth)).to.equal('***');
  });

  it('normalizes API hosts as the SDK does', () => {
    expect(normalizeApihost('openwhisk.example.com')).to.equal('https://openwhisk.example.com');
    expect(normalizeApihost('localhost:3233/')).to.equal('https://localhost:3233');
    expect(normalizeApihost('http://127.0.0.1:3233')).to.equal('http://127.0.0.1:3233');
  });

  it('parses wskprops lines, comments and values containing =', () => {
    const props = parseWskprops('# c\n  APIHOST = h \r\nAUTH=a:b=c\nnonsense\n=x\n');
    expect([...props]).to.deep.equal([
      ['APIHOST', 'h'],
      ['AUTH', 'a:b=c'],
    ]);
  });

  it('never shows a password written into the API host', () => {
    const env = { env: {}, homedir: dir, readFile: () => undefined };
    const config = resolveConfig({ apihost: 'https://user:hostpass@ow.example', apiKey: KEY }, env);
    expect(describeConfig(config)).to.equal(
      'https://user:***@ow.example namespace _ (from the apihost option)',
    );
    expect(() => resolveConfig({ apihost: 'https://user:hostpass@ow example', apiKey: KEY }, env))
      .to.throw(ConfigError)
      .that.satisfies((e: Error) => !e.message.includes('hostpass'));
  });

  it('masks URL passwords', () => {
    expect(maskUrl('amqp://guest:guest@127.0.0.1:5672')).to.equal('amqp://guest:***@127.0.0.1:5672');
    expect(maskUrl('amqp://localhost')).to.equal('amqp://localhost');
    expect(maskUrl('not a url')).to.equal('not a url');
    expect(maskUrl('amqps://user:p@ss@host/vh')).to.equal('amqps://user:***@host/vh');
    expect(maskUrl('cannot reach amqp://user:pw@host:5672 (refused)')).to.equal(
      'cannot reach amqp://user:***@host:5672 (refused)',
    );
  });
});
