import { expect } from 'chai';

import { localMemoryMb } from '../../../src/run/local-memory.js';
import { localResultLimit, OPENWHISK_RESULT_LIMIT_BYTES } from '../../../src/run/local-result-limit.js';

describe('embedded controller limits for a round', () => {
  it("keeps OpenWhisk's 256 MB for the default 50 slaves per container, and grows up to 512 MB above", () => {
    expect(localMemoryMb(1)).to.equal(256);
    expect(localMemoryMb(50)).to.equal(256);
    expect(localMemoryMb(300)).to.equal(424);
    expect(localMemoryMb(500)).to.equal(512);
  });

  it("keeps OpenWhisk's 1 MiB result limit up to 1024 slaves and leaves about 1 KB per slave above", () => {
    expect(localResultLimit(10)).to.equal(OPENWHISK_RESULT_LIMIT_BYTES);
    expect(localResultLimit(1024)).to.equal(OPENWHISK_RESULT_LIMIT_BYTES);
    expect(localResultLimit(10_000)).to.equal(10_000 * 1024);
  });
});
