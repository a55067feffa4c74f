import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The log shipping files parse and agree with each other: the Logstash pipeline (not YAML: its own
 * syntax, checked for structure), Filebeat's YAML, and the Kibana saved objects (one JSON per line).
 */
const root = path.resolve(__dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** The pipeline without comments and with every quoted string emptied: what is left is structure. */
function structure(pipeline: string): string {
  let out = '';
  for (let i = 0; i < pipeline.length; i++) {
    const c = pipeline[i];
    if (c === '#') {
      while (i < pipeline.length && pipeline[i] !== '\n') i++;
      out += '\n';
    } else if (c === '"' || c === "'") {
      const end = closingQuote(pipeline, i);
      out += `${c}${c}`;
      i = end;
    } else out += c;
  }
  return out;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[open]) return i;
  }
  throw new Error(`unterminated string at offset ${open}`);
}

/** The body of the top-level `name { ... }` section. */
function section(text: string, name: string): string {
  const start = new RegExp(`(^|\\n)\\s*${name}\\s*\\{`).exec(text);
  if (!start) throw new Error(`no ${name} section`);
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(start.index + start[0].length, i);
  }
  throw new Error(`${name} section not closed`);
}

describe('the Logstash pipeline', () => {
  const raw = read('logstash/pipeline/mymonit.conf');
  const bare = structure(raw);

  it('balances its braces and brackets, and has exactly the input, filter and output sections', () => {
    let braces = 0;
    let brackets = 0;
    for (const c of bare) {
      if (c === '{') braces++;
      if (c === '}') braces--;
      if (c === '[') brackets++;
      if (c === ']') brackets--;
      expect(braces).toBeGreaterThanOrEqual(0);
      expect(brackets).toBeGreaterThanOrEqual(0);
    }
    expect(braces).toBe(0);
    expect(brackets).toBe(0);
    let depth = 0;
    const topLevel: string[] = [];
    for (const match of bare.matchAll(/(?:([A-Za-z_]+)\s*)?\{|\}/g)) {
      if (match[0] === '}') depth--;
      else {
        if (depth === 0) topLevel.push(match[1]!);
        depth++;
      }
    }
    expect(topLevel).toEqual(['input', 'filter', 'output']);
  });

  it('takes the app on a tcp json_lines input and Filebeat on a beats input', () => {
    const input = section(raw, 'input');
    expect(input).toMatch(/tcp\s*\{[^}]*port\s*=>\s*5959[^}]*codec\s*=>\s*json_lines/);
    expect(input).toMatch(/beats\s*\{[^}]*port\s*=>\s*5044/);
  });

  it('routes app logs, audit events, nginx access logs and the other services to their own indices', () => {
    const filter = section(raw, 'filter');
    for (const index of ['mymonit-app', 'mymonit-audit', 'nginx-access', 'mymonit-services']) {
      expect(filter).toContain(`"[@metadata][index]" => "${index}"`);
    }
    expect(filter).toMatch(/if \[audit\]/);
    for (const logType of ['nginx-access', 'nginx-error', 'mysql-error', 'mysql-slow', 'rabbitmq']) expect(filter).toContain(`"${logType}"`);
    const output = section(raw, 'output');
    expect(output).toMatch(/elasticsearch\s*\{/);
    expect(output).toContain('index => "%{[@metadata][index]}-%{+YYYY.MM.dd}"');
  });

  it('names every plugin instance uniquely (Logstash refuses duplicate ids)', () => {
    const ids = [...raw.matchAll(/\bid\s*=>\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(5);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the Filebeat configuration', () => {
  const config = parse(read('logstash/filebeat.yml')) as {
    'filebeat.inputs': Array<{ type: string; id: string; paths: string[]; fields: { log_type: string }; parsers?: unknown[] }>;
    'output.logstash': { hosts: string[] };
  };

  it('ships the nginx JSON access log, nginx errors, MySQL and RabbitMQ logs to Logstash', () => {
    const inputs = config['filebeat.inputs'];
    expect(inputs.map((i) => i.fields.log_type).sort()).toEqual(['mysql-error', 'mysql-slow', 'nginx-access', 'nginx-error', 'rabbitmq']);
    for (const input of inputs) {
      expect(input.type).toBe('filestream');
      expect(input.id).toBe(input.fields.log_type);
      expect(input.paths.length).toBeGreaterThan(0);
    }
    const nginx = inputs.find((i) => i.id === 'nginx-access');
    expect(nginx?.parsers).toEqual([{ ndjson: { target: 'nginx', add_error_key: true } }]);
    expect(config['output.logstash'].hosts[0]).toMatch(/:5044\}?$/);
  });

  it('reads the files that the MySQL, RabbitMQ and nginx configurations write', () => {
    const globs = config['filebeat.inputs'].flatMap((i) => i.paths.map((p) => p.replace(/\$\{[A-Z_]+:([^}]+)\}/, '$1')));
    const matches = (file: string) => globs.some((glob) => new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file));
    const mysql = read('deploy/mysql/mymonit.cnf');
    for (const setting of ['log_error', 'slow_query_log_file']) {
      const file = new RegExp(`^${setting}\\s*=\\s*(\\S+)`, 'm').exec(mysql)?.[1] as string;
      expect(matches(file)).toBe(true);
    }
    const rabbit = /^log\.file\s*=\s*(\S+)/m.exec(read('deploy/rabbitmq/rabbitmq.conf'))?.[1] as string;
    expect(matches(rabbit)).toBe(true);
    // nginx writes under /var/log/mymonit-nginx; compose mounts that volume at /var/log/nginx in Filebeat.
    expect(matches('/var/log/nginx/access.json.log')).toBe(true);
    expect(matches('/var/log/nginx/error.log')).toBe(true);
  });
});

describe('the Kibana saved objects', () => {
  const objects = read('logstash/kibana/saved-objects.ndjson')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; type: string; attributes: Record<string, unknown>; references: Array<{ id: string; name: string; type: string }> });
  const byId = new Map(objects.map((o) => [o.id, o]));

  it('gives every object an id, a type, a title and unique ids', () => {
    for (const object of objects) {
      expect(typeof object.id).toBe('string');
      expect(['index-pattern', 'search', 'visualization', 'dashboard']).toContain(object.type);
      expect(typeof object.attributes.title).toBe('string');
      expect(Array.isArray(object.references)).toBe(true);
    }
    expect(byId.size).toBe(objects.length);
  });

  it('has data views for app logs, audit events and nginx access logs, matching the pipeline indices', () => {
    const dataViews = objects.filter((o) => o.type === 'index-pattern');
    const titles = dataViews.map((o) => o.attributes.title);
    expect(titles).toEqual(expect.arrayContaining(['mymonit-app-*', 'mymonit-audit-*', 'nginx-access-*']));
    const pipeline = read('logstash/pipeline/mymonit.conf');
    for (const view of dataViews) {
      expect(view.attributes.timeFieldName).toBe('@timestamp');
      expect(pipeline).toContain(`"[@metadata][index]" => "${String(view.attributes.title).replace('-*', '')}"`);
    }
  });

  it('resolves every reference, and every JSON-in-JSON attribute parses', () => {
    for (const object of objects) {
      for (const reference of object.references) expect(byId.get(reference.id)?.type).toBe(reference.type);
      for (const key of ['visState', 'uiStateJSON', 'panelsJSON', 'optionsJSON']) {
        if (key in object.attributes) expect(() => JSON.parse(String(object.attributes[key]))).not.toThrow();
      }
      const meta = object.attributes.kibanaSavedObjectMeta as { searchSourceJSON?: string } | undefined;
      if (meta?.searchSourceJSON) {
        const source = JSON.parse(meta.searchSourceJSON) as { indexRefName?: string };
        if (source.indexRefName) expect(object.references.map((r) => r.name)).toContain(source.indexRefName);
      }
    }
  });

  it('has an audit dashboard with actions over time, failed logins, admin changes, rejections by reason and top actors', () => {
    const dashboard = objects.find((o) => o.type === 'dashboard') as (typeof objects)[number];
    const panels = JSON.parse(String(dashboard.attributes.panelsJSON)) as Array<{ panelRefName: string; panelIndex: string }>;
    const titles = panels.map((panel) => {
      const reference = dashboard.references.find((r) => r.name === `${panel.panelIndex}:${panel.panelRefName}`);
      return byId.get(reference?.id ?? '')?.attributes.title;
    });
    expect(titles).toEqual([
      'Audit: actions over time',
      'Audit: failed logins',
      'Audit: rejected messages by reason',
      'Audit: top actors',
      'Audit: admin changes',
    ]);
    const fields = (id: string) => JSON.stringify(byId.get(id)?.attributes);
    expect(fields('audit-failed-logins')).toContain('auth.fail');
    expect(fields('audit-rejected-by-reason')).toContain('event.detail.reason');
    expect(fields('audit-top-actors')).toContain('event.actor');
  });

  it('has a log search over the app logs', () => {
    const search = byId.get('mymonit-log-search');
    expect(search?.type).toBe('search');
    expect(search?.references[0]!.id).toBe('mymonit-app');
    expect(search?.attributes.columns).toEqual(expect.arrayContaining(['requestId', 'actor', 'message']));
  });
});
