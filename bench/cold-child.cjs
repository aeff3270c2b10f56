// Runs in a fresh Node process: load one bundle, serve one request, print the timings.
// argv: <bundle path> <event JSON path> <streaming: 0|1>
const { performance } = require('node:perf_hooks');
const { Writable } = require('node:stream');
const fs = require('node:fs');
const [bundlePath, eventPath, streaming] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventPath, 'utf8'));
const t0 = performance.now();
const mod = require(bundlePath);
const t1 = performance.now();
let status;
const stream = Object.assign(new Writable({ write(_c, _e, done) { done(); } }), { writeHead(s) { status = s; } });
Promise.resolve(streaming === '1' ? mod.handler(event, stream) : mod.handler(event)).then((result) => {
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, firstRequestMs: t2 - t1, totalMs: t2 - t0, status: status ?? result.statusCode, processUptimeMs: process.uptime() * 1000 }));
  process.exit(0);
}, (error) => { process.stderr.write(String(error)); process.exit(1); });
