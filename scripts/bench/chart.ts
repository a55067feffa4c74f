import { readFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import ts from 'typescript';

/**
 * npm run bench:chart: the time to draw a uPlot chart of 100,000 points in headless Chromium (Debian's
 * /usr/bin/chromium through puppeteer-core) with the console's own chart options (web/src/chart/options.ts,
 * transpiled as is: the palette, the axes in the theme's colours, the legend, drag to zoom) against a
 * baseline in the same run: uPlot with a minimal configuration (one line, no legend, default axes).
 * Each sample is `new uPlot(...)` until its first `draw` hook (layout, paths, axes, canvas): the median of
 * RUNS samples of each, interleaved. The target: within 500 ms.
 */
const ROOT = path.resolve(__dirname, '../../..');
const POINTS = Number(process.env.CHART_POINTS ?? 100_000);
const RUNS = Number(process.env.CHART_RUNS ?? 9);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function optionsModule(): string {
  const source = readFileSync(path.join(ROOT, 'web/src/chart/options.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  // A classic script: the module's exports become globals of the page.
  return js.replace(/^export /gm, '').replace(/^import .*$/gm, '');
}

async function main(): Promise<void> {
  const args = ['--disable-dev-shm-usage', '--no-first-run'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    await page.setContent('<!doctype html><html><head></head><body></body></html>');
    await page.addStyleTag({ content: readFileSync(path.join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8') });
    await page.addScriptTag({ content: readFileSync(path.join(ROOT, 'node_modules/uplot/dist/uPlot.iife.min.js'), 'utf8') });
    await page.addScriptTag({ content: optionsModule() });
    const result = (await page.evaluate(`(async () => {
      const n = ${POINTS}, runs = ${RUNS};
      const xs = new Float64Array(n), ys = new Float64Array(n);
      const start = Math.floor(Date.now() / 1000) - n;
      let v = 20;
      for (let i = 0; i < n; i++) { xs[i] = start + i; v += Math.sin(i / 50) * 0.1 + (((i * 7919) % 13) - 6) / 60; ys[i] = v; }
      const data = [Array.from(xs), Array.from(ys)];
      const size = { width: 1400, height: 320 };
      const drawn = (make) => new Promise((resolve) => {
        const el = document.createElement('div');
        document.body.append(el);
        const t0 = performance.now();
        const opts = make();
        opts.hooks = { ...(opts.hooks || {}), draw: [...((opts.hooks && opts.hooks.draw) || []), () => resolve([performance.now() - t0, u, el])] };
        const u = new uPlot(opts, data, el);
      }).then(([ms, u, el]) => { u.destroy(); el.remove(); return ms; });
      const consoleOpts = () => chartOptions(['value'], size, { text: '#1a1d23', grid: '#c9ced6' }, () => undefined);
      const minimalOpts = () => ({ ...size, legend: { show: false }, series: [{}, { stroke: 'red' }] });
      await drawn(consoleOpts); await drawn(minimalOpts); // warm-up (JIT)
      const c = [], m = [];
      for (let r = 0; r < runs; r++) { c.push(await drawn(consoleOpts)); m.push(await drawn(minimalOpts)); }
      const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
      return { console: median(c), minimal: median(m), consoleAll: c, minimalAll: m };
    })()`)) as { console: number; minimal: number; consoleAll: number[]; minimalAll: number[] };
    const version = await browser.version();
    console.log(`chart of ${POINTS.toLocaleString('en')} points, ${RUNS} runs each, ${version}`);
    console.log(`  console chart options : median ${result.console.toFixed(1)} ms  (${result.consoleAll.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  uPlot minimal baseline: median ${result.minimal.toFixed(1)} ms  (${result.minimalAll.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  ratio console / baseline: ${(result.console / result.minimal).toFixed(2)}`);
    console.log(`  target 500 ms: ${result.console <= 500 ? 'met' : 'MISSED'}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
