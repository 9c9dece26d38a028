// `dockui` as runTui starts it, but over the views' fake engine: for the terminal tests of
// test/views/terminal.test.ts (alternate screen, restoring the terminal, the shell hand-over),
// which need a real terminal but not a real engine. FAKE_TUI_CRASH=ms throws an uncaught
// exception after that long, to check the terminal is restored on a crash too.
import { writeFileSync } from 'node:fs';
import { runTui } from '../../../src/tui.js';
import { FakeEngine, fakeContainer, fakeImage } from './fake-engine.js';

const e = new FakeEngine({
  images: [fakeImage({ id: 'sha256:' + 'a'.repeat(64), names: ['docker.io/library/busybox:latest'], inUse: 1 })],
  containers: [
    fakeContainer({
      id: '1'.repeat(64),
      name: 'web1',
      ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    }),
  ],
  ...(process.env['FAKE_TUI_RUNTIME_PROBLEM'] ? { runtimeProblem: process.env['FAKE_TUI_RUNTIME_PROBLEM'] } : {}),
});
// The shell the `e` key hands the terminal to: says where it is, waits for a line, exits 3.
e.containers.execShellCommand = () => ['sh', '-c', 'echo IN-THE-SHELL; read line; echo "got $line"; exit 3'];
if (process.env['FAKE_TUI_CRASH']) {
  // Once the UI is up (it polls stats when it shows a running container), a bug escapes.
  const stats = e.containers.stats.bind(e.containers);
  let armed = true;
  e.containers.stats = (id) => {
    if (armed) {
      armed = false;
      setTimeout(() => {
        throw new Error('boom on purpose');
      }, 300);
    }
    return stats(id);
  };
}
// FAKE_TUI_TICKS=FILE: a timer counts into FILE, to show the event loop runs on (a shell open).
const ticks = process.env['FAKE_TUI_TICKS'];
if (ticks) {
  let n = 0;
  setInterval(() => writeFileSync(ticks, String(++n)), 50).unref();
}
process.exitCode = await runTui(process.argv.slice(2), { createEngine: () => e });
