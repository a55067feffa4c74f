#!/usr/bin/env node
// Lets `npm start` and `npm test` work from a fresh clone: installs the locked dependencies once.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const path = require('node:path');

if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  process.stdout.write(
    'Usage: node scripts/ensure-deps.js\n\nRuns `npm ci` when node_modules is missing (before `npm start` and `npm test`).\n',
  );
  process.exit(0);
}

const root = path.resolve(__dirname, '..');
if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.error('mymonit: installing dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
