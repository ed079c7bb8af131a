import { expect } from 'chai';
import { decode, encode } from '../../../src/protocol/codec.js';
import type { Message } from '../../../src/protocol/messages.js';
import { MAX_VALUE_BYTES } from '../../../src/protocol/limits.js';
import { sign } from '../../../src/protocol/signing.js';

const key = 'k'.repeat(32);
const request: Message = { k: 'request', run: 'run1', no: 0, slave: 3, nonce: 'abc123' };

/** A body signed with the run's key: gets past the signature check, so parsing is what is tested. */
const signed = (body: string) => Buffer.from(`${sign(body, key)}.${body}`);

function flipByte(wire: Buffer, at: number): Buffer {
  const copy = Buffer.from(wire);
  copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
  return copy;
}

describe('message codec', () => {
  it('round-trips a signed message', () => {
    expect(decode(encode(request, key), key, 'run1')).to.deep.equal({ message: request });
  });

  it('signs the exact JSON bytes it sends: `<signature>.<json>`', () => {
    const value: Message = {
      k: 'append',
      run: 'run1',
      no: 1,
      slave: 2,
      nonce: 'a1',
      seq: 0,
      token: 'e.0',
      value: 'é ✓ 𝄞',
    };
    const body = JSON.stringify(value);
    const wire = encode(value, key);
    expect(wire.equals(Buffer.from(`${sign(body, key)}.${body}`, 'utf8'))).to.equal(true);
    expect(decode(wire, key, 'run1')).to.deep.equal({ message: value });
  });

  it('never puts the key on the wire', () => {
    expect(encode(request, key).toString('utf8')).not.to.contain(key);
  });

  const drops: [string, Buffer, string][] = [
    ['unsigned', Buffer.from(JSON.stringify(request)), 'unsigned'],
    ['mis-signed', encode(request, 'x'.repeat(32)), 'bad signature'],
    [
      'tampered',
      Buffer.from(encode(request, key).toString().replace('"slave":3', '"slave":4')),
      'bad signature',
    ],
    ['empty', Buffer.alloc(0), 'unsigned'],
    ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x2e]), 'unsigned'],
    ['a signature with a byte changed', flipByte(encode(request, key), 5), 'bad signature'],
    ['a signature cut short', Buffer.from(`${sign('{}', key).slice(1)}.{}`), 'unsigned'],
  ];
  for (const [name, content, reason] of drops) {
    it(`drops a ${name} message as ${reason}`, () => {
      expect(decode(content, key, 'run1')).to.deep.equal({ drop: reason });
    });
  }

  it('drops malformed JSON even when correctly signed', () => {
    expect(decode(signed('{"k":"request",'), key, 'run1')).to.deep.equal({ drop: 'malformed JSON' });
  });

  it('drops well-formed JSON that is not a protocol message', () => {
    const bodies = [
      '[]',
      '{"k":"request"}',
      '{"k":"nope","run":"run1","no":0}',
      '{"k":"append","run":"run1","no":1,"slave":1,"nonce":"a","seq":0,"token":"e.0"}',
      `{"k":"append","run":"run1","no":1,"slave":1,"nonce":"a","seq":0,"token":"e.0","value":"${'x'.repeat(MAX_VALUE_BYTES)}"}`,
      '{"k":"append","run":"run1","no":1,"slave":1,"nonce":"a","seq":0,"token":"e.0","value":1e400}',
      '{"k":"log","run":"run1","no":1,"epoch":"e","at":0,"add":[[1]],"rev":[]}',
      '{"k":"request","run":"run1","no":0,"slave":1,"nonce":"a","box":"../amq.direct"}',
    ];
    for (const body of bodies) {
      expect(decode(signed(body), key, 'run1'), body).to.deep.equal({ drop: 'malformed message' });
    }
  });

  it('keeps the shared inbox id a request names', () => {
    const boxed: Message = { ...request, box: 'a1b2c3' };
    expect(decode(encode(boxed, key), key, 'run1')).to.deep.equal({ message: boxed });
  });

  it("drops another run's message signed with the same key", () => {
    expect(decode(encode({ ...request, run: 'run2' }, key), key, 'run1')).to.deep.equal({
      drop: 'foreign run',
    });
  });
});
