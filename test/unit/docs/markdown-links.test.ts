import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every relative link in README.md, docs/**\/*.md and the other READMEs points at a file a clone has (it
 * exists and git does not ignore it), every #fragment at a heading of the linked Markdown file, and no
 * path shown in code points outside the repository.
 */
const ROOT = path.resolve(__dirname, '../../..');
const NOT_DOCUMENTS = new Set(['node_modules', 'dist', 'coverage', 'reports']);

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || NOT_DOCUMENTS.has(entry.name) ? [] : markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** The text outside fenced code blocks and inline code spans: only that is rendered as links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, '');
}

function links(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  const html = [...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...inline, ...references, ...html];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

function gitIgnored(files: string[]): Set<string> {
  if (files.length === 0) return new Set();
  try {
    const out = execFileSync('git', ['check-ignore', '--stdin'], { cwd: ROOT, input: files.join('\n'), encoding: 'utf8' });
    return new Set(out.split('\n').filter(Boolean));
  } catch (error) {
    // Exit 1: none is ignored. Without git (an exported tree) there is nothing ignored to tell apart.
    const status = (error as { status?: number }).status;
    if (status === 1 || (error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

const documents = markdownFiles(ROOT);

describe('links in README.md and docs/', () => {
  it('finds the documents and their links', () => {
    for (const name of ['README.md', 'docs/deployment.md', 'docs/adr/0001-inversify-7.md']) expect(documents).toContain(path.join(ROOT, name));
    expect(links(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(0);
  });

  it.each(documents.map((file) => [path.relative(ROOT, file), file]))('%s links only to files a clone has', (_name, file) => {
    const markdown = fs.readFileSync(file, 'utf8');
    const relative = links(markdown).filter((target) => !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target));
    const broken: string[] = [];
    const targets = new Map<string, string>();
    for (const link of relative) {
      const [rawPath, fragment] = link.split('#', 2);
      const target = rawPath ? path.resolve(path.dirname(file), decodeURIComponent(rawPath)) : file;
      if (!fs.existsSync(target)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      targets.set(path.relative(ROOT, target), link);
      if (fragment && target.endsWith('.md') && !anchors(fs.readFileSync(target, 'utf8')).has(fragment)) {
        broken.push(`${link}: no heading #${fragment}`);
      }
    }
    for (const ignored of gitIgnored([...targets.keys()])) broken.push(`${targets.get(ignored)}: git-ignored, not in a clone`);
    expect(broken).toEqual([]);
  });

  it.each(documents.map((file) => [path.relative(ROOT, file), file]))('%s shows no path outside the repository', (_name, file) => {
    const spans = [...fs.readFileSync(file, 'utf8').matchAll(/`(\.\.\/[^`\s]+)`/g)].map((m) => m[1]);
    const outside = spans.filter((span) => path.relative(ROOT, path.resolve(path.dirname(file), span!)).startsWith('..'));
    expect(outside).toEqual([]);
  });
});
