#!/usr/bin/env node
// `npx agentcore-mcp-oauth-doctor <mcp-url>`: runs scripts/doctor/cli.ts through tsx (no build step).
require('./require-node.cjs'); // first: refuses an unsupported Node.js with one line
try {
  require('tsx/cjs');
} catch {
  process.stderr.write('doctor: needs tsx (a devDependency of agentcore-mcp-oauth): run `npm install` in the project first\n');
  process.exit(2);
}
const { main } = require('../scripts/doctor/cli.ts');
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`doctor failed: ${error && error.message}\n`);
  process.exitCode = 1;
});
