import { expect } from 'chai';

import { parseEvent } from '../../../src/soak/broker-events.js';
import { RunTopology, type RunEntity } from '../../../src/soak/run-topology.js';

describe('broker events', () => {
  it('reads queue, exchange and connection events as the event exchange sends them', () => {
    expect(
      parseEvent('queue.created', { name: 'wsync.r.leader', user_who_performed_action: 'guest' }),
    ).to.deep.equal({
      kind: 'created',
      entity: 'queue',
      name: 'wsync.r.leader',
      internal: false,
    });
    expect(
      parseEvent('queue.deleted', { name: 'q', user_who_performed_action: 'rmq-internal' }),
    ).to.have.property('internal', true);
    expect(
      parseEvent('connection.created', {
        pid: '<rabbit@localhost.1.5760.0>',
        user_provided_name: 'whisk-sync pid 42',
        name: '127.0.0.1:45246 -> 127.0.0.1:5672',
      }),
    ).to.deep.equal({
      kind: 'connection',
      connectionPid: '<rabbit@localhost.1.5760.0>',
      name: 'whisk-sync pid 42',
    });
    expect(parseEvent('binding.created', { name: 'x' })).to.equal(undefined);
  });
});

describe('run topology from broker events', () => {
  const event = (kind: 'created' | 'deleted', name: string, internal = false) =>
    ({ kind, entity: 'queue', name, internal }) as const;

  it('follows only its run, from the moment it knows the run id', async () => {
    const created: RunEntity[] = [];
    const topology = new RunTopology((entity) => created.push(entity));
    topology.observe(event('created', 'wsync.r1.leader'));
    topology.follow('r1');
    topology.observe(event('created', 'wsync.r1.inbox.a'));
    topology.observe(event('created', 'wsync.r2.leader'));
    expect(created).to.deep.equal([{ entity: 'queue', name: 'wsync.r1.inbox.a' }]);
    expect(topology.live.map((e) => e.name)).to.deep.equal(['wsync.r1.inbox.a']);
    const settled = topology.settled(60_000);
    topology.observe(event('deleted', 'wsync.r1.inbox.a', true));
    expect(await settled).to.deep.equal([]);
  });

  it('names what a party deleted and something created again, but not what the broker expired', () => {
    const topology = new RunTopology();
    topology.follow('r');
    topology.observe(event('created', 'wsync.r.leader'));
    topology.observe(event('created', 'wsync.r.inbox.a'));
    topology.observe(event('deleted', 'wsync.r.inbox.a', true));
    topology.observe(event('created', 'wsync.r.inbox.a'));
    topology.observe(event('deleted', 'wsync.r.leader'));
    topology.observe(event('created', 'wsync.r.leader'));
    expect(topology.recreated).to.deep.equal([{ entity: 'queue', name: 'wsync.r.leader' }]);
  });

  it('returns what is left when the deadline passes', async () => {
    const topology = new RunTopology();
    topology.follow('r');
    topology.observe(event('created', 'wsync.r.leader'));
    expect(await topology.settled(10)).to.deep.equal([{ entity: 'queue', name: 'wsync.r.leader' }]);
  });
});
