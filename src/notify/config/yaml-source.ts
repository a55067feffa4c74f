/**
 * The YAML side of the Alertmanager configuration: the document read with the failsafe schema (every scalar a
 * string, as Go's yaml decodes into typed fields after), mappings as Maps, and every problem located as
 * `line L:C` of the node at its key path.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Raw } from '../../alerting/rules/raw';

export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  /** Key path from the document's root, e.g. `route.routes[0].group_wait`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** Every problem of a configuration, each with its key path and (when known) line and column. */
export class AlertmanagerConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'AlertmanagerConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const at = issue.line !== undefined ? `line ${issue.line}:${issue.column ?? 1}: ` : '';
  return `${at}${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

export function pathText(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

export interface YamlSource {
  readonly raw: Raw;
  /** Where a path is in the text (its key when `key`), or its nearest existing parent. */
  locate(path: ConfigPath, key: boolean): { line: number; column: number } | undefined;
}

function toRaw(node: unknown, doc: Document, issues: ConfigIssue[], path: ConfigPath, lines: LineCounter): Raw {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toRaw(node.resolve(doc), doc, issues, path, lines);
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && NULLS.has(String(node.value))) return null;
    return String(node.value);
  }
  if (isSeq(node)) return node.items.map((item, i) => toRaw(item, doc, issues, [...path, i], lines));
  if (isMap(node)) {
    const map = new Map<string, Raw>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) {
        const offset = (pair.key as Node | null)?.range?.[0];
        const pos = offset !== undefined ? lines.linePos(offset) : undefined;
        issues.push({ path: pathText(path), line: pos?.line, column: pos?.col, message: 'mapping keys must be plain strings' });
        continue;
      }
      const key = String(pair.key.value);
      map.set(key, toRaw(pair.value, doc, issues, [...path, key], lines));
    }
    return map;
  }
  return null;
}

/** Reads the text; AlertmanagerConfigError for YAML syntax errors. */
export function readYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new AlertmanagerConfigError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        return { path: '', line: pos?.line, column: pos?.col, message: `YAML: ${error.message.split('\n')[0] ?? ''}` };
      }),
    );
  }
  const issues: ConfigIssue[] = [];
  const raw = toRaw(doc.contents, doc, issues, [], lines);
  if (issues.length > 0) throw new AlertmanagerConfigError(issues);
  const locate = (path: ConfigPath, key: boolean): { line: number; column: number } | undefined => {
    if (key && path.length > 0) {
      const parent = doc.getIn(path.slice(0, -1), true);
      const last = path[path.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
        const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) {
          const { line, col } = lines.linePos(offset);
          return { line, column: col };
        }
      }
    }
    for (let n = path.length; n >= 0; n -= 1) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = lines.linePos(offset);
        return { line, column: col };
      }
    }
    return undefined;
  };
  return { raw, locate };
}
