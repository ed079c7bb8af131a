// Process managers, containers and CI stop a server by signalling the process they started, which for
// `npm run serve` is npm: the server and every container must stop, and nothing may stay listening.
import { expect } from 'chai';

import { ROOT } from '../../helpers/cli-child.js';
import {
  groupMembers,
  killGroup,
  launchServer,
  startContainer,
  waitUntilGone,
  type LaunchedServer,
} from '../../helpers/serve-process.js';

describe('npm run serve stopped by a signal to npm alone', function () {
  let server: LaunchedServer | undefined;

  afterEach(function () {
    if (server !== undefined) killGroup(server.pid);
    server = undefined;
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: the server and its containers stop, the port closes`, async function () {
      server = await launchServer('npm', ['run', 'serve', '--', '--port', '0'], ROOT);
      await startContainer(server);
      // npm, the server (the script's shell execs it) and at least one container.
      expect(groupMembers(server.pid).length).to.be.at.least(3);

      process.kill(server.pid, signal);
      await waitUntilGone(server);
      expect(server.output()).to.contain('stopping: closing containers');
    });
  }
});
