import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/free-port';
import { eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Debian's amtool (0.25) against MyMONIT and against a real Debian prometheus-alertmanager (0.25) started
 * here on loopback: the same script of `silence add`, `silence query` (simple, extended, json, filtered,
 * --expired) and `silence expire`, outputs compared after ids and the times the servers choose (now) are
 * normalised. End times are given (--end), so they are compared as they are.
 */
const AMTOOL = '/usr/bin/amtool';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, TZ: 'UTC' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

interface RealAlertmanager {
  url: string;
  stop(): Promise<void>;
}

async function startAlertmanager(dir: string): Promise<RealAlertmanager> {
  const port = await freePort();
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(config, 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
  let log = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}): ${log}`);
        return fetch(`${url}/-/ready`).then((r) => r.status, () => 0);
      },
      (status) => status === 200,
      { what: `alertmanager ready on ${url}`, timeoutMs: 30_000 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const pad = (text: string, width: number) => text.padEnd(width, '.');

/** Replaces ids by their name in the script (same width, so amtool's columns stay aligned) and the chosen times. */
function normalise(text: string, ids: ReadonlyMap<string, string>, chosenTimes: readonly string[]): string {
  let out = text;
  for (const [id, name] of ids) out = out.split(id).join(pad(name, id.length));
  for (const t of chosenTimes) out = out.split(t).join(pad('<now>', t.length));
  return out;
}

/** Times the server chose (startsAt of active silences, updatedAt), in amtool's two spellings. */
function chosenTimes(json: Array<Record<string, unknown>>, given: ReadonlySet<string>): string[] {
  const times = new Set<string>();
  for (const s of json) {
    for (const key of ['startsAt', 'updatedAt', 'endsAt'] as const) {
      const iso = String(s[key]);
      if (given.has(iso)) continue;
      times.add(iso);
      times.add(`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
    }
  }
  return [...times];
}

describe('amtool silences: MyMONIT against real Alertmanager 0.25', () => {
  let p: TestPlatform;
  let am: RealAlertmanager;
  let dir: string;
  let mymonitArgs: string[];
  let amArgs: string[];

  beforeAll(async () => {
    for (const bin of [AMTOOL, ALERTMANAGER]) if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: apt-get install -y prometheus-alertmanager`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-amtool-'));
    [p, am] = await Promise.all([startPlatform(), startAlertmanager(dir)]);
    const httpConfig = path.join(dir, 'http.yml');
    fs.writeFileSync(httpConfig, `authorization:\n  type: Bearer\n  credentials: ${await p.tokenFor(p.admin)}\n`, { mode: 0o600 });
    mymonitArgs = [`--alertmanager.url=${p.baseUrl}/alertmanager`, `--http.config.file=${httpConfig}`];
    amArgs = [`--alertmanager.url=${am.url}/`];
  }, 60_000);

  afterAll(async () => {
    await Promise.all([p?.stop(), am?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the script against one server: the outputs of each step, ids and chosen times normalised. */
  async function script(target: string[]): Promise<Array<{ step: string; code: number; stdout: string; stderr?: string }>> {
    const minute = 60_000;
    const base = Math.ceil(Date.now() / minute) * minute;
    const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const end1 = at(base + 120 * minute);
    const end2 = at(base + 180 * minute);
    const end3 = at(base + 150 * minute);
    const start2 = at(base + 60 * minute);
    const given = new Set([end1, end2, end3, start2].map((t) => new Date(t).toISOString()));
    const amtool = (...args: string[]) => run(AMTOOL, [...target, ...args]);

    const steps: Array<{ step: string; code: number; stdout: string; stderr?: string }> = [];
    const ids = new Map<string, string>();
    const add = async (name: string, args: string[]) => {
      const r = await amtool('silence', 'add', ...args);
      if (r.code === 0) ids.set(r.stdout.trim(), name);
      steps.push({ step: `add ${name}`, code: r.code, stdout: r.stdout.trim() === '' ? '' : name, ...(r.code === 0 ? {} : { stderr: r.stderr }) });
      return r.stdout.trim();
    };
    const id1 = await add('S1', ['-a', 'alice', '-c', 'disk work', `--end=${end1}`, 'alertname=Disk', 'instance=~"db.*"']);
    await add('S2', ['-a', 'bob', '-c', 'network <maintenance> & more', `--start=${start2}`, `--end=${end2}`, 'job=net']);
    await add('S3', ['-a', 'carol', '-c', 'not foo', `--end=${end3}`, 'alertname!=Foo', 'severity=critical']);
    await add('bad-empty', ['-a', 'x', '-c', 'y', `--end=${end3}`, 'a=""']);
    await add('bad-regex', ['-a', 'x', '-c', 'y', `--end=${end3}`, 'a=~"("']);
    await add('bad-end', ['-a', 'x', '-c', 'y', `--end=${at(base - 600 * minute)}`, 'a=b']);

    const json = JSON.parse((await amtool('silence', 'query', '-o', 'json')).stdout) as Array<Record<string, unknown>>;
    const queries: Array<[string, string[]]> = [
      ['query', ['silence', 'query']],
      ['query filtered', ['silence', 'query', 'alertname=Disk']],
      ['query regex filter', ['silence', 'query', 'job=~"n.*"']],
      ['query equivalent filters', ['silence', 'query', 'alertname!=Foo', 'severity="critical"']],
      ['query regex matcher', ['silence', 'query', 'instance=~"db.*"']],
      ['query extended', ['silence', 'query', '-o', 'extended']],
      ['query json', ['silence', 'query', '-o', 'json']],
      ['query quiet', ['silence', 'query', '-q']],
    ];
    for (const [step, args] of queries) {
      const r = await amtool(...args);
      steps.push({ step, code: r.code, stdout: r.stdout });
    }
    const expire = await amtool('silence', 'expire', id1);
    steps.push({ step: 'expire S1', code: expire.code, stdout: expire.stdout });
    const expired = await amtool('silence', 'query', '--expired');
    steps.push({ step: 'query --expired', code: expired.code, stdout: expired.stdout });
    const after = await amtool('silence', 'query', '-o', 'json', '--expired');
    steps.push({ step: 'query --expired json', code: after.code, stdout: after.stdout });
    const again = await amtool('silence', 'expire', id1);
    steps.push({ step: 'expire S1 again', code: again.code, stdout: again.stdout });

    const finalJson = JSON.parse(after.stdout) as Array<Record<string, unknown>>;
    const times = chosenTimes([...json, ...finalJson], given);
    return steps.map((s) => ({ ...s, stdout: normalise(s.stdout, ids, times), ...(s.stderr === undefined ? {} : { stderr: normalise(s.stderr, ids, times) }) }));
  }

  it('the API refuses what Alertmanager refuses, with its status and body', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const good = { matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'me', comment: 'c' };
    const bodies: unknown[] = [
      { ...good, matchers: [] },
      { ...good, matchers: [{ name: 'a', value: '', isRegex: false }] },
      { ...good, matchers: [{ name: 'a', value: '.*', isRegex: true }] },
      { ...good, matchers: [{ name: 'a', value: 'x|', isRegex: true }, { name: 'b', value: '', isRegex: false }] },
      { ...good, matchers: [{ name: 'a', value: '(', isRegex: true }] },
      { ...good, matchers: [{ name: 'a-b', value: 'x', isRegex: false }] },
      { ...good, matchers: [{ name: '', value: 'x', isRegex: false }] },
      { ...good, matchers: [{ name: 'a', value: 'b' }] },
      { ...good, matchers: [{ value: 'b', isRegex: false }] },
      { ...good, matchers: [{ name: 'a', isRegex: false }] },
      { ...good, matchers: [{ name: 'a', value: 'b', isRegex: 'x' }] },
      { ...good, startsAt: iso(now + 7_200_000) },
      { ...good, startsAt: iso(now - 7_200_000), endsAt: iso(now - 7_200_000) },
      { ...good, startsAt: iso(now - 7_200_000), endsAt: iso(now - 3_600_000) },
      { ...good, comment: undefined },
      { ...good, createdBy: undefined },
      { ...good, endsAt: undefined },
      { ...good, startsAt: undefined },
      { ...good, matchers: undefined },
      { ...good, createdBy: 5 },
      { ...good, comment: undefined, createdBy: undefined, matchers: [{ name: 'a', value: 'b', isRegex: false }, { value: 'b', isRegex: false }] },
      { ...good, id: '6a0c9e46-0000-4000-8000-000000000000' },
      { ...good, id: '6a0c9e46-0000-4000-8000-000000000000', matchers: [{ name: 'a', value: '', isRegex: false }] },
    ];
    const token = await p.tokenFor(p.admin);
    const answer = async (base: string, body: unknown, headers: Record<string, string>) => {
      const res = await fetch(`${base}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.text() };
    };
    for (const body of bodies) {
      const [mine, theirs] = await Promise.all([answer(`${p.baseUrl}/alertmanager`, body, { authorization: `Bearer ${token}` }), answer(am.url, body, {})]);
      expect({ body, answer: mine }).toEqual({ body, answer: theirs });
    }
    const get = async (base: string, pathAndQuery: string, headers: Record<string, string>) => {
      const res = await fetch(`${base}/api/v2${pathAndQuery}`, { headers });
      return { status: res.status, body: await res.text() };
    };
    for (const probe of ['/silence/xyz', '/silence/6a0c9e46-0000-4000-8000-000000000000', '/silences?filter=%7Ba%3D%22b%22%7D', '/silences?filter=a', '/silences?filter=a%3D%22b', '/silences?filter=zz%3Dnothing']) {
      const [mine, theirs] = await Promise.all([get(`${p.baseUrl}/alertmanager`, probe, { authorization: `Bearer ${token}` }), get(am.url, probe, {})]);
      expect({ probe, answer: mine }).toEqual({ probe, answer: theirs });
    }
  });

  it('gives the same outputs', async () => {
    const [mymonit, alertmanager] = await Promise.all([script(mymonitArgs), script(amArgs)]);
    // Printed for the closing note: what amtool shows of MyMONIT.
    process.stdout.write(`${mymonit.map((s) => `$ amtool ${s.step} (exit ${s.code})\n${s.stdout}${s.stderr ?? ''}`).join('\n')}\n`);
    expect(mymonit).toEqual(alertmanager);
  }, 120_000);
});
