import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';
import { startPrometheus, type RealPrometheus } from '../../support/real-prometheus';

/** A real Prometheus (Debian, 2.42) with MyMONIT as its Alertmanager: path_prefix /alertmanager, a bearer token from a file. */
describe('Prometheus sends its alerts to MyMONIT', () => {
  let p: TestPlatform;
  let prometheus: RealPrometheus;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    p = await startPlatform();
    token = await p.tokenFor(p.admin);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-prom-sender-'));
    fs.writeFileSync(path.join(dir, 'token'), token, { mode: 0o600 });
    fs.writeFileSync(
      path.join(dir, 'rules.yml'),
      'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: AlwaysOn\n        expr: vector(1)\n        labels: { severity: minor }\n        annotations: { summary: "always on" }\n',
    );
    prometheus = await startPrometheus({
      global: { evaluation_interval: '1s' },
      rule_files: [path.join(dir, 'rules.yml')],
      alerting: {
        alertmanagers: [
          { path_prefix: '/alertmanager', authorization: { credentials_file: path.join(dir, 'token') }, static_configs: [{ targets: [new URL(p.baseUrl).host] }] },
        ],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await p?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the firing rule arrives as an Alertmanager alert, with its generator URL and Prometheus\'s end', async () => {
    const alerts = await eventually(
      async () => (await call(p.baseUrl, 'GET', '/alertmanager/api/v2/alerts?filter=alertname=AlwaysOn', { token })).body as Array<Record<string, any>>, // eslint-disable-line @typescript-eslint/no-explicit-any
      (list) => Array.isArray(list) && list.length === 1,
      // Prometheus 2.42's notifier sends its first batch about a minute after it starts.
      { what: `the alert from Prometheus (${prometheus.url})`, timeoutMs: 150_000, intervalMs: 500 },
    ).catch(async (error: Error) => {
      const state = await Promise.all(['alertmanagers', 'alerts', 'rules'].map((what) => fetch(`${prometheus.url}/api/v1/${what}`).then((r) => r.text())));
      throw new Error(`${error.message}\nprometheus: ${state.join('\n')}\n${prometheus.log()}`);
    });
    const [alert] = alerts;
    expect(alert).toMatchObject({ labels: { alertname: 'AlwaysOn', severity: 'minor' }, annotations: { summary: 'always on' }, status: { state: 'active' }, receivers: [{ name: 'default' }] });
    expect(alert!.generatorURL).toContain('/graph?g0.expr=vector%281%29');
    // Prometheus sets endsAt itself (now + 4 x max(evaluation interval, resend delay)): given, minutes ahead.
    expect(Date.parse(alert!.endsAt) - Date.parse(alert!.updatedAt)).toBeGreaterThan(60_000);
  }, 200_000);
});
