/**
 * The Prometheus text exposition format (version 0.0.4, and the sample lines of OpenMetrics 1.0):
 *
 *   # HELP name text
 *   # TYPE name counter|gauge|histogram|summary|untyped
 *   name{label="value",...} value [timestamp_ms]
 *
 * Label values escape `\\`, `\"` and `\n`. Values may be NaN, +Inf, -Inf. An OpenMetrics exemplar
 * (` # {...} value`) after a sample is ignored, and so is `# EOF`.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Epoch milliseconds, when the exporter gave one. */
  timestampMs?: number;
  /** The family's `# TYPE`, when declared (histogram samples have the family's type). */
  type?: string;
}

export interface ParsedExposition {
  samples: Array<{ line: number; sample: Sample }>;
  errors: Array<{ line: number; message: string }>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
}

export function parseExposition(text: string): ParsedExposition {
  const result: ParsedExposition = { samples: [], errors: [] };
  const types = new Map<string, string>();
  const lines = text.split('\n');
  for (const [n, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const [, family, type] = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(trimmed) ?? [];
      if (family !== undefined && type !== undefined) types.set(family, type);
      continue;
    }
    try {
      const sample = parseSampleLine(trimmed);
      sample.type = types.get(sample.name) ?? types.get(familyOf(sample.name));
      result.samples.push({ line: n + 1, sample });
    } catch (error) {
      result.errors.push({ line: n + 1, message: (error as Error).message });
    }
  }
  return result;
}

/** `http_request_duration_seconds_bucket` belongs to the family `http_request_duration_seconds`. */
function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count|total|created|gsum|gcount)$/, '');
}

export function parseSampleLine(line: string): Sample {
  let i = 0;
  const fail = (message: string): never => {
    throw new ExpositionError(`${message} (column ${i + 1})`);
  };
  const nameMatch = METRIC_NAME.exec(line);
  if (!nameMatch) return fail('expected a metric name');
  const name = nameMatch[0];
  i = name.length;
  const labels = Object.create(null) as Record<string, string>;
  const skipSpace = () => {
    while (line[i] === ' ' || line[i] === '\t') i += 1;
  };
  skipSpace();
  if (line[i] === '{') {
    i += 1;
    for (;;) {
      skipSpace();
      if (line[i] === '}') {
        i += 1;
        break;
      }
      const labelMatch = LABEL_NAME.exec(line.slice(i));
      if (!labelMatch) fail('expected a label name or "}"');
      const label = (labelMatch as RegExpExecArray)[0];
      i += label.length;
      skipSpace();
      if (line[i] !== '=') fail(`label "${label}" has no "="`);
      i += 1;
      skipSpace();
      if (line[i] !== '"') fail(`value of label "${label}" must be double-quoted`);
      i += 1;
      let value = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else fail(`invalid escape "\\${next ?? ''}" in label "${label}"`);
          i += 2;
        } else {
          value += line[i];
          i += 1;
        }
      }
      if (line[i] !== '"') fail(`unterminated value of label "${label}"`);
      i += 1;
      if (label in labels) fail(`label "${label}" appears twice`);
      labels[label] = value;
      skipSpace();
      if (line[i] === ',') {
        i += 1;
        continue;
      }
      if (line[i] !== '}') fail('expected "," or "}" after a label');
    }
  }
  skipSpace();
  // Drop an OpenMetrics exemplar: `value [ts] # {labels} value [ts]`.
  const [beforeExemplar = ''] = line.slice(i).split(' # ');
  const rest = beforeExemplar.trim().split(/[ \t]+/);
  const [valueText = '', timestampText] = rest;
  if (valueText === '') fail(`sample "${name}" has no value`);
  const value = parseValue(valueText);
  if (value === undefined) fail(`sample "${name}" has an invalid value ${JSON.stringify(valueText)}`);
  let timestampMs: number | undefined;
  if (timestampText !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(timestampText)) fail(`sample "${name}" has an invalid timestamp ${JSON.stringify(timestampText)}`);
    // 0.0.4 timestamps are milliseconds; OpenMetrics ones are seconds with a fraction.
    timestampMs = timestampText.includes('.') ? Math.round(Number(timestampText) * 1000) : Number(timestampText);
  }
  if (rest.length > 2) fail(`unexpected text after the timestamp of "${name}"`);
  return { name, labels, value: value as number, timestampMs };
}

function parseValue(raw: string): number | undefined {
  switch (raw) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}
