#!/usr/bin/env node
// tsc compiles only .ts: the SQL migrations must travel with the compiled storage layer.
const fs = require('node:fs');
const path = require('node:path');

if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  process.stdout.write('Usage: node scripts/copy-assets.js\n\nCopies the SQL migrations into dist/ (part of `npm run build`).\n');
  process.exit(0);
}

const root = path.resolve(__dirname, '..');
fs.cpSync(path.join(root, 'src', 'storage', 'migrations'), path.join(root, 'dist', 'src', 'storage', 'migrations'), {
  recursive: true,
});
