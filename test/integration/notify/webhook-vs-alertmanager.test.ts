import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fingerprint } from '../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { Notification } from '../../../src/notify/receivers/receiver';
import { webhookPayload } from '../../../src/notify/receivers/webhook';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { stopChild } from '../../support/stop-child';

/**
 * The webhook body, differentially: Debian's Alertmanager 0.25 (started here on loopback) and MyMONIT's
 * encoder are given the same alerts; the bodies must be equal byte for byte. The group (alerts, order,
 * group key) is Alertmanager's: what is compared is the payload, not the dispatcher.
 */
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface PostedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

describe('webhook payload vs Debian Alertmanager 0.25', () => {
  let alertmanager: ChildProcess | undefined;
  let recorder: http.Server;
  let amUrl: string;
  let dir: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(ALERTMANAGER)).toBe(true);
    recorder = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end();
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-am-'));
    fs.writeFileSync(
      path.join(dir, 'am.yml'),
      [
        'route:',
        '  receiver: "team.ops (eu)"',
        '  group_by: [alertname, zone]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '- name: "team.ops (eu)"',
        '  webhook_configs:',
        `  - url: ${hook}`,
        '    send_resolved: true',
        '    max_alerts: 3',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${path.join(dir, 'am.yml')}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--web.external-url=http://mymonit.example/alertmanager',
      ],
      { stdio: 'ignore' },
    );
    await eventually(
      () => fetch(`${amUrl}/alertmanager/-/ready`).then((r) => r.status, () => 0),
      (status) => status === 200,
      { what: 'Alertmanager ready', timeoutMs: 20_000 },
    );
  });

  afterAll(async () => {
    await stopChild(alertmanager);
    await new Promise<void>((resolve) => recorder.close(() => resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is equal byte for byte for firing, resolved, truncated and escaped alerts', async () => {
    const base = Date.parse('2026-12-03T09:00:00Z');
    const posted: PostedAlert[] = [
      { labels: { alertname: 'Lag&Loss', zone: 'eu<1>', instance: 'n1', severity: 'major' }, annotations: { summary: 'lag "high" > 5s', runbook: 'http://rb/?a=1&b=<2>' }, startsAt: new Date(base + 123).toISOString(), generatorURL: 'http://prom:9090/graph?g0.expr=lag%3E5&g0.tab=1' },
      { labels: { alertname: 'Lag&Loss', zone: 'eu<1>', instance: 'n2', severity: 'major' }, annotations: { summary: 'lag "high" > 5s' }, startsAt: new Date(base + 1000).toISOString() },
      { labels: { alertname: 'Lag&Loss', zone: 'eu<1>', instance: 'n3', severity: 'minor', note: 'ünïcødé\u2029\t' }, annotations: {}, startsAt: new Date(base + 2500).toISOString(), endsAt: new Date(base + 60_000).toISOString() },
      { labels: { alertname: 'Lag&Loss', zone: 'eu<1>', instance: 'n4', severity: 'major' }, annotations: { summary: 'x' }, startsAt: new Date(base + 3000).toISOString() },
    ];
    const response = await fetch(`${amUrl}/alertmanager/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(posted) });
    expect(response.status).toBe(200);
    const [body] = await eventually(() => [...bodies], (b) => b.length >= 1, { what: 'a webhook from Alertmanager' });
    const message = JSON.parse(body!) as { groupKey: string; alerts: Array<{ fingerprint: string }> };

    // The same alerts, in the order Alertmanager sent them (its dispatcher's sort), through MyMONIT's encoder.
    const nowMs = Date.now();
    const byFingerprint = new Map(
      posted.map((p): [string, NotifyAlert] => {
        const labels = new Map(Object.entries(p.labels));
        return [
          fingerprint(labels),
          {
            fingerprint: fingerprint(labels),
            labels,
            annotations: new Map(Object.entries(p.annotations)),
            startsAtMs: Date.parse(p.startsAt),
            endsAtMs: p.endsAt === undefined ? nowMs + 300_000 : Date.parse(p.endsAt),
            endsAtGiven: p.endsAt !== undefined,
            updatedAtMs: nowMs,
            generatorURL: p.generatorURL ?? '',
            origin: 'api',
          },
        ];
      }),
    );
    const sent = message.alerts.map((a) => byFingerprint.get(a.fingerprint)!);
    const order = [...sent.map((a) => a.fingerprint), ...[...byFingerprint.keys()].filter((f) => !sent.some((a) => a.fingerprint === f))];
    const notification: Notification = {
      receiver: 'team.ops (eu)',
      groupKey: message.groupKey,
      groupLabels: new Map([['alertname', 'Lag&Loss'], ['zone', 'eu<1>']]),
      alerts: order.map((f) => byFingerprint.get(f)!),
      nowMs,
      externalURL: 'http://mymonit.example/alertmanager',
      templates: [],
    };
    expect(webhookPayload({ maxAlerts: 3 }, notification)).toBe(body);
  });
});
