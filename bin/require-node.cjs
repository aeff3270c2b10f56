/**
 * The Node.js floor of every entry point: `engines.node` of package.json (`>=22.19`). Below it, one
 * line on stderr (`Node.js >= 22.19 is required; found 20.20.2`) and exit status 1, before anything
 * that needs the newer Node runs (cdktn-cli 0.24 dies on Node 20 with `Li.util.markAsUncloneable is
 * not a function`, a stack trace that names nothing).
 *
 * Loaded first by main.ts, dev/server.ts, scripts/*, bench/run.ts and bin/doctor.cjs, and by the
 * project's .npmrc (`node-options`) before any `npm run …` / `npx …` command of this project, so
 * `npx cdktn synth` is checked before cdktn-cli loads. Plain CommonJS with no dependencies, so it
 * runs on any Node old enough to be refused.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const PACKAGE_JSON = path.join(__dirname, '..', 'package.json');

/** `>=22.19` → `22.19` (the only range form this project uses; anything else is a broken package.json). */
function nodeFloor(packageJson) {
  const range = ((JSON.parse(fs.readFileSync(packageJson || PACKAGE_JSON, 'utf8')).engines || {}).node || '').trim();
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range);
  if (!match) throw new Error(`package.json engines.node must be ">=<major>[.<minor>[.<patch>]]", got ${JSON.stringify(range)}`);
  return match[1];
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
}

/** The refusal for `found` (process.versions.node), or undefined when it meets the floor. */
function unsupportedNode(found, floor) {
  return compareVersions(found, floor) < 0 ? `Node.js >= ${floor} is required; found ${found}` : undefined;
}

function requireSupportedNode() {
  const message = unsupportedNode(process.versions.node, nodeFloor());
  if (message === undefined) return;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

module.exports = { nodeFloor, compareVersions, unsupportedNode, requireSupportedNode };
requireSupportedNode();
