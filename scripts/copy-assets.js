#!/usr/bin/env node
// tsc compiles only .ts: the SQL migrations must travel with the compiled storage layer.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
fs.cpSync(path.join(root, 'src', 'storage', 'migrations'), path.join(root, 'dist', 'src', 'storage', 'migrations'), {
  recursive: true,
});
