import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templateLoader } from '../../../src/services/notify/template-files';

describe('templates: globs relative to the configuration folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-templates-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'tmpl', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tmpl', 'b.tmpl'), 'B');
  fs.writeFileSync(path.join(dir, 'tmpl', 'a.tmpl'), 'A');
  fs.writeFileSync(path.join(dir, 'tmpl', 'c.txt'), 'C');
  fs.writeFileSync(path.join(dir, 'tmpl', 'sub', 'd.tmpl'), 'D');

  it('reads the matches in pattern order, then name order, each once; a pattern matching nothing is no error', () => {
    const load = templateLoader(dir);
    expect(load(['tmpl/*.tmpl', 'tmpl/a.tmpl', 'nothing/*.tmpl', 'tmpl/*/d.tmpl', path.join(dir, 'tmpl', '[c].txt')]).map((t) => [path.relative(dir, t.path), t.text])).toEqual([
      ['tmpl/a.tmpl', 'A'],
      ['tmpl/b.tmpl', 'B'],
      ['tmpl/sub/d.tmpl', 'D'],
      ['tmpl/c.txt', 'C'],
    ]);
  });
});
