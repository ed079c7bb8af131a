import { expect } from 'chai';

import { substituteVariables } from '../../../src/deploy/substitute.js';

describe('substituteVariables (wskdeploy $VAR rules)', () => {
  const env = { HOST: 'broker.example', USER: 'alice', EMPTY: '' };

  it('replaces a value that is exactly $NAME', () => {
    expect(substituteVariables('$HOST', env)).to.deep.equal({ value: 'broker.example', unset: [] });
  });

  it('replaces ${NAME} anywhere, several times', () => {
    expect(substituteVariables('amqp://${USER}@${HOST}:5672/${USER}', env).value).to.equal(
      'amqp://alice@broker.example:5672/alice',
    );
  });

  it('keeps $${NAME} as a literal ${NAME}', () => {
    expect(substituteVariables('cost $${HOST} and ${HOST}', env).value).to.equal(
      'cost ${HOST} and broker.example',
    );
  });

  it('turns an unset variable into "" and reports its name', () => {
    expect(substituteVariables('x-${MISSING}-y', env)).to.deep.equal({ value: 'x--y', unset: ['MISSING'] });
    expect(substituteVariables('$ALSO_MISSING', env)).to.deep.equal({ value: '', unset: ['ALSO_MISSING'] });
  });

  it('treats a variable set to "" as set', () => {
    expect(substituteVariables('${EMPTY}', env)).to.deep.equal({ value: '', unset: [] });
  });

  it('leaves other dollar signs alone', () => {
    for (const text of ['pa$$word', 'a$HOST', '$', '$5', 'cost: 5$', '${not closed']) {
      expect(substituteVariables(text, env).value, text).to.equal(text);
    }
  });
});
