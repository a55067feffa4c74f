#!/usr/bin/env node
// Prints the web console's first-load JavaScript, gzipped: the entry chunk and every chunk it imports
// statically (what the browser loads before the first page renders), read from Vite's manifest. Lazy
// chunks (pages, CodeMirror, uPlot, oidc-client-ts, firebase) are listed apart. Exits 1 above the budget.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  process.stdout.write('Usage: node scripts/web-size.js [dir]\n\nPrints the first-load gzipped JS of the built console (default dir: dist/web); budget 200 KB.\n');
  process.exit(0);
}

const BUDGET = 200 * 1024;
const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'web'));
const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.vite', 'manifest.json'), 'utf8'));
const gzipped = (file) => zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
const first = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || first.has(chunk.file)) return;
  first.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key] of entries) visit(key);

const js = (file) => file.endsWith('.js');
const firstLoad = [...first].filter(js).reduce((sum, file) => sum + gzipped(file), 0);
const lazy = [...new Set(Object.values(manifest).map((c) => c.file))].filter((f) => js(f) && !first.has(f));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
process.stdout.write(`web console: first-load JS ${kb(firstLoad)} gzipped (budget ${kb(BUDGET)}), ${first.size} chunk(s)\n`);
for (const file of lazy.sort()) process.stdout.write(`  lazy ${file} ${kb(gzipped(file))} gzipped\n`);
if (firstLoad > BUDGET) {
  process.stderr.write(`web console: first-load JS ${kb(firstLoad)} exceeds the ${kb(BUDGET)} budget\n`);
  process.exit(1);
}
