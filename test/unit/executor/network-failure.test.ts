import { expect } from 'chai';

import { describeNetworkFailure } from '../../../src/executor/classify.js';

describe('describeNetworkFailure', () => {
  it('says that nothing listens at a refused address, and how to fix it', () => {
    expect(describeNetworkFailure('Unknown Error From API: connect ECONNREFUSED 127.0.0.1:1')).to.equal(
      'nothing is listening at 127.0.0.1:1 (ECONNREFUSED): start the OpenWhisk server, or set the ' +
        'right address in --apihost, __OW_API_HOST or APIHOST in ~/.wskprops',
    );
  });

  it('suggests http:// when a host without a scheme was tried over TLS', () => {
    const ssl =
      'Unknown Error From API: write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number';
    expect(describeNetworkFailure(ssl, 'https://127.0.0.1:3233')).to.equal(
      'https://127.0.0.1:3233 answered without TLS (https:// is assumed when the host has no scheme): ' +
        'for a server that speaks plain HTTP, write http://127.0.0.1:3233',
    );
  });

  it('names an unknown host name, and leaves other messages alone', () => {
    expect(describeNetworkFailure('getaddrinfo ENOTFOUND ow.invalid')).to.equal(
      'host name ow.invalid not found: check the address in --apihost, __OW_API_HOST or APIHOST in ~/.wskprops',
    );
    expect(describeNetworkFailure('socket hang up')).to.equal(undefined);
  });
});
