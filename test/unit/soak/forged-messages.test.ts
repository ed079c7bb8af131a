import { expect } from 'chai';

import { decode } from '../../../src/protocol/codec.js';
import { createRunCredentials } from '../../../src/protocol/credentials.js';
import { forgedMessages } from '../../../src/soak/forged-messages.js';

describe('forged messages of the soak', () => {
  for (const site of ['leader', 'log'] as const) {
    it(`are each dropped by a party of the run (${site})`, () => {
      const { runId, signingKey } = createRunCredentials();
      const bodies = forgedMessages(runId, signingKey, site, 123);
      expect(bodies.length).to.be.above(10);
      const drops = bodies.map((body) => decode(body, signingKey, runId));
      for (const decoded of drops) expect(decoded).to.have.property('drop');
      expect(new Set(drops.map((d) => ('drop' in d ? d.drop : '')))).to.deep.equal(
        new Set(['unsigned', 'bad signature', 'foreign run', 'malformed JSON', 'malformed message']),
      );
    });
  }

  it('carry the forged value in plausible entries and never the key', () => {
    const { runId, signingKey } = createRunCredentials();
    const text = forgedMessages(runId, signingKey, 'log', 777)
      .map((b) => b.toString('utf8'))
      .join('\n');
    expect(text).to.contain('[[0,777]]');
    expect(text).not.to.contain(signingKey);
  });
});
