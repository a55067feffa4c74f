import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager-server';
import { freePort } from '../../support/free-port';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus-server';
import { startSwitchExporter, type SwitchExporter } from '../../support/switch-exporter';
import { startNotifyStage } from '../../support/notify-stage';
import { startWebhookRecorder, type WebhookRecorder } from '../../support/webhook-recorder';

/**
 * Issue 13, "What must be shown": Debian's Prometheus configured with MyMONIT as its Alertmanager
 * (`alerting.alertmanagers` with path_prefix /alertmanager and a bearer token). A rule over a target the
 * test controls fires: MyMONIT opens a ticket and sends a webhook and an email (to a real SMTP server,
 * `smtp-server`, in the test); the value drops, the rule resolves (Prometheus sends endsAt), MyMONIT sends
 * the resolved notifications and the ticket resolves. The same Prometheus also sends to Debian's
 * Alertmanager with the same route and webhook (Prometheus sends to every Alertmanager it is given): its
 * webhooks are the reference for MyMONIT's.
 */
describe('a real Prometheus sends its alerts to MyMONIT', () => {
  let recorder: WebhookRecorder;
  let exporter: SwitchExporter;
  let smtp: SMTPServer;
  const mails: Array<{ from: string; to: string[]; raw: string }> = [];
  let stage: Awaited<ReturnType<typeof startNotifyStage>> | undefined;
  let platform: TestPlatform;
  let prometheus: PrometheusServer;
  let alertmanager: AlertmanagerServer;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    recorder = await startWebhookRecorder();
    exporter = await startSwitchExporter('e2e_switch');
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(smtpPort, '127.0.0.1', () => resolve());
    });

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-to-mymonit-'));
    const configFile = path.join(dir, 'alertmanager.yml');
    const route = `route:
  receiver: ops
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: ops
    webhook_configs:
      - url: '${recorder.url}/WHO/ops'
        send_resolved: true
`;
    alertmanager = await startAlertmanager({ config: route.replace('WHO', 'alertmanager') });
    fs.writeFileSync(
      configFile,
      `${route.replace('WHO', 'mymonit')}    email_configs:
      - to: 'ops@example.org'
        from: 'mymonit@example.org'
        smarthost: '127.0.0.1:${smtpPort}'
        require_tls: false
        send_resolved: true
    ticket_configs:
      - auto_resolve: true
        send_resolved: true
`,
    );
    platform = await startPlatform({ env: { ALERTMANAGER_CONFIG_FILE: configFile } });
    stage = await startNotifyStage(platform);
    token = await platform.tokenFor(platform.admin);
    const port = new URL(platform.baseUrl).port;
    prometheus = await startPrometheus({
      evaluationInterval: '1s',
      ruleFiles: [
        `groups:
  - name: e2e
    rules:
      - alert: E2ESwitchOn
        expr: e2e_switch == 1
        labels:
          severity: critical
        annotations:
          summary: the switch is on
`,
      ],
      extraConfig: `alerting:
  alertmanagers:
    - scheme: http
      path_prefix: /alertmanager
      api_version: v2
      authorization:
        type: Bearer
        credentials: '${token}'
      static_configs:
        - targets: ['127.0.0.1:${port}']
    - scheme: http
      api_version: v2
      static_configs:
        - targets: ['127.0.0.1:${alertmanager.port}']
scrape_configs:
  - job_name: switch
    scrape_interval: 1s
    static_configs:
      - targets: ['${exporter.target}']
`,
      // Prometheus re-sends firing alerts every minute by default; resolved ones go out at once anyway.
      flags: ['--rules.alert.resend-delay=2s'],
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stage?.stop();
    await platform?.stop();
    await alertmanager?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await exporter?.stop();
    await recorder?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const tickets = async () => (await call(platform.baseUrl, 'GET', '/tickets', { token })).body as { items?: Array<Record<string, unknown>> };

  it('a rule fires: MyMONIT opens a ticket and sends webhook and email; it resolves: resolved notifications, the ticket resolves', async () => {
    exporter.set(1);
    const [firing] = await recorder.waitFor('the firing webhook', (hooks) => hooks.some((hook) => hook.body.status === 'firing'), { path: '/mymonit/ops', timeoutMs: 30_000 });
    expect(firing?.body).toMatchObject({
      version: '4',
      receiver: 'ops',
      status: 'firing',
      groupLabels: { alertname: 'E2ESwitchOn' },
      alerts: [{ status: 'firing', labels: { alertname: 'E2ESwitchOn', severity: 'critical', job: 'switch', instance: exporter.target } }],
    });
    // Prometheus's generatorURL and its startsAt arrive unchanged.
    expect(firing?.body.alerts[0]?.generatorURL).toContain('/graph?g0.expr=');
    await eventually(() => mails.length, (n) => n >= 1, { what: 'the firing email', timeoutMs: 20_000 });
    expect(mails[0]?.to).toEqual(['ops@example.org']);
    expect(mails[0]?.raw).toContain('E2ESwitchOn');
    const opened = await eventually(tickets, (body) => (body.items ?? []).length === 1, { what: 'one ticket', timeoutMs: 20_000 });
    expect(opened.items?.[0]).toMatchObject({ state: 'open' });

    exporter.set(0);
    const resolved = await recorder.waitFor('the resolved webhook', (hooks) => hooks.some((hook) => hook.body.status === 'resolved'), { path: '/mymonit/ops', timeoutMs: 30_000 });
    expect(resolved.find((hook) => hook.body.status === 'resolved')?.body).toMatchObject({
      status: 'resolved',
      alerts: [{ status: 'resolved', labels: { alertname: 'E2ESwitchOn' } }],
    });
    await eventually(() => mails.length, (n) => n >= 2, { what: 'the resolved email', timeoutMs: 20_000 });
    expect(mails[1]?.raw).toMatch(/RESOLVED|resolved/);
    const closed = await eventually(tickets, (body) => body.items?.[0]?.state === 'resolved', { what: 'the ticket resolved', timeoutMs: 20_000 });
    expect(closed.items).toHaveLength(1);
    // One firing and one resolved notification each: nothing twice.
    expect(recorder.received('/mymonit/ops').map((hook) => hook.body.status)).toEqual(['firing', 'resolved']);
    expect(mails).toHaveLength(2);
    // Alertmanager, fed by the same Prometheus, sent the same: receiver, group labels, status, alerts.
    const alertmanagerHooks = await recorder.waitFor('Alertmanager resolved', (hooks) => hooks.some((hook) => hook.body.status === 'resolved'), { path: '/alertmanager/ops' });
    const shape = (hooks: typeof alertmanagerHooks) =>
      hooks.map(({ body }) => ({
        receiver: body.receiver,
        status: body.status,
        groupLabels: body.groupLabels,
        commonLabels: body.commonLabels,
        alerts: body.alerts.map((alert) => ({ status: alert.status, labels: alert.labels, startsAt: alert.startsAt, endsAt: alert.endsAt, generatorURL: alert.generatorURL, fingerprint: alert.fingerprint })),
      }));
    expect(shape(recorder.received('/mymonit/ops'))).toEqual(shape(alertmanagerHooks));
  }, 120_000);
});
