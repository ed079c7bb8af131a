import { expect } from 'chai';

import { HttpError } from '../../../src/localwhisk/errors.js';
import { parseEntityName } from '../../../src/localwhisk/names.js';

describe('localwhisk entity names', function () {
  const path = (raw: string): string => parseEntityName(raw, 'guest').path;

  it('resolves the forms the SDK and the CLI send, with _ as the caller’s namespace', function () {
    expect(path('a')).to.equal('/guest/a');
    expect(path('pkg/a')).to.equal('/guest/pkg/a');
    expect(path('/ns/a')).to.equal('/ns/a');
    expect(path('/ns/pkg/a')).to.equal('/ns/pkg/a');
    expect(path('ns/pkg/a')).to.equal('/ns/pkg/a');
    expect(path('/_/a')).to.equal('/guest/a');
    expect(parseEntityName('/whisk.system/utils/echo', 'guest')).to.include({
      namespace: 'whisk.system',
      packageName: 'utils',
      name: 'echo',
    });
  });

  it('refuses empty segments and too many of them with 400', function () {
    for (const raw of ['', '/', '//a', '/ns/pkg/a/b', 'a//b']) {
      expect(() => parseEntityName(raw, 'guest'), raw).to.throw(HttpError, /is not valid/);
    }
  });
});
