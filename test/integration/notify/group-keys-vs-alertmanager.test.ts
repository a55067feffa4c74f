/**
 * Group keys against a real Alertmanager 0.25 (Debian's prometheus-alertmanager on loopback): the same
 * alerts posted to it and routed by matchRoutes; the `groupKey` of every webhook notification Alertmanager
 * sends must be one MyMONIT computes (route key, matchers sorted and escaped, group labels as Go prints them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseAlertmanagerConfig } from '../../../src/notify/config/parse';
import { groupKey, groupLabels, matchRoutes } from '../../../src/notify/dispatch/route';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { stopChild } from '../../support/stop-child';

const ALERTMANAGER = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager'].find((p) => fs.existsSync(p));

const ALERTS: Record<string, string>[] = [
  { alertname: 'A', team: 'a"b', z: 'x', v: 'é\t\u0001\\' },
  { alertname: 'B', team: 'a"b', z: 'y', k: '1', v: 'q' },
  { alertname: 'C', w: '1' },
  { alertname: 'D', severity: 'critical', cluster: 'eu' },
  { alertname: 'E', severity: 'critical', cluster: 'eu', team: 'a"b', z: 'x' },
];

describe('group keys vs Alertmanager 0.25 webhook groupKey', () => {
  let dir: string;
  let am: ChildProcess | undefined;
  let recorder: http.Server;
  const keys = new Set<string>();

  afterAll(async () => {
    await stopChild(am);
    await new Promise<void>((resolve) => recorder.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every notification carries a key MyMONIT computes for the same alerts', async () => {
    if (!ALERTMANAGER) throw new Error('prometheus-alertmanager is missing: apt-get install -y prometheus-alertmanager');
    const [amPort, hookPort] = [await freePort(), await freePort()];
    recorder = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        keys.add((JSON.parse(body) as { groupKey: string }).groupKey);
        res.end();
      });
    });
    await new Promise<void>((resolve) => recorder.listen(hookPort, '127.0.0.1', resolve));
    const yaml = `route:
  receiver: hook
  group_by: ['...']
  group_wait: 1s
  routes:
    - matchers: ['team="a\\"b"', 'z=~"x|y"']
      group_by: [alertname, v]
      continue: true
      routes:
        - matchers: [k=1]
    - match: {severity: critical}
      group_by: [cluster]
receivers:
  - name: hook
    webhook_configs: [{url: 'http://127.0.0.1:${hookPort}/'}]
`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-group-keys-'));
    fs.writeFileSync(path.join(dir, 'am.yml'), yaml);
    am = spawn(
      ALERTMANAGER,
      [`--config.file=${path.join(dir, 'am.yml')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', `--storage.path=${path.join(dir, 'data')}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    am.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
    const url = `http://127.0.0.1:${amPort}`;
    await eventually(() => fetch(`${url}/-/ready`).then((r) => r.ok, () => false), (ok) => ok, { what: 'Alertmanager ready' }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${log}`);
    });
    const posted = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ALERTS.map((labels) => ({ labels }))),
    });
    expect(posted.status).toBe(200);

    const config = parseAlertmanagerConfig(yaml);
    const expected = new Set(
      ALERTS.flatMap((object) => {
        const labels = new Map(Object.entries(object));
        return matchRoutes(config.route, labels).map((route) => groupKey(route, groupLabels(route, labels)));
      }),
    );
    await eventually(() => keys.size, (n) => n >= expected.size, { what: `${expected.size} notifications`, timeoutMs: 30_000 });
    expect([...keys].sort()).toEqual([...expected].sort());
  });
});
