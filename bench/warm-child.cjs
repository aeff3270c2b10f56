// Runs in a fresh Node process, like one warm Lambda execution environment: load one bundle (the
// artifact the Terraform deploys), serve `warmup` requests untimed, then `iterations` requests one
// at a time, timing each from the handler call to its answer. Writes the times to <out>.
// argv: <bundle path> <events JSON path: an array, taken in turn> <streaming: 0|1> <warmup> <iterations> <out path> [profile path]
// With a profile path, the timed requests (only they) run under V8's CPU profiler (bench/attribute.ts).
// Whatever the bundle writes (log and EMF metric lines) goes where the parent sends this
// process's stdout: /dev/null in the bench, a pipe to the log collector in Lambda.
const { performance } = require('node:perf_hooks');
const { Writable } = require('node:stream');
const fs = require('node:fs');
const [bundlePath, eventsPath, streaming, warmup, iterations, outPath, profilePath] = process.argv.slice(2);
const events = JSON.parse(fs.readFileSync(eventsPath, 'utf8'));
const mod = require(bundlePath);
let i = 0;
const nextEvent = () => events[i++ % events.length];
const invoke = async (event) => {
  if (streaming !== '1') return (await mod.handler(event)).statusCode;
  let status;
  const stream = Object.assign(new Writable({ write(_c, _e, done) { done(); } }), { writeHead(s) { status = s; } });
  await mod.handler(event, stream);
  return status;
};
(async () => {
  for (let n = 0; n < Number(warmup); n++) {
    const status = await invoke(nextEvent());
    if (status >= 400) throw new Error(`answered ${status} while warming up`);
  }
  let session;
  if (profilePath) {
    session = new (require('node:inspector/promises').Session)();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const times = [];
  for (let n = 0; n < Number(iterations); n++) {
    const event = nextEvent();
    const t = performance.now();
    const status = await invoke(event);
    times.push(performance.now() - t);
    if (status >= 400) throw new Error(`answered ${status} in iteration ${n}`);
  }
  if (session) fs.writeFileSync(profilePath, JSON.stringify((await session.post('Profiler.stop')).profile));
  fs.writeFileSync(outPath, JSON.stringify(times));
})().then(() => process.exit(0), (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });
