import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAlertmanager, type AlertmanagerServer } from '../../support/alertmanager-server';
import {
  compareNotifications,
  DIFFERENTIAL_CONFIG,
  digest,
  EXPECTED,
  playScript,
  SCRIPT_END_S,
  table,
  type Digest,
  type ScriptTarget,
} from '../../support/notify-differential';
import { startPlatform, type TestPlatform } from '../../support/platform';
import { startNotifyStage } from '../../support/notify-stage';
import { startWebhookRecorder, type WebhookRecorder } from '../../support/webhook-recorder';

/**
 * The differential test of the notification stage (issue 13): Debian's Alertmanager 0.25 and MyMONIT
 * load the same configuration (group_wait 1s, group_interval 3s, repeat_interval 10s; routes with
 * group_by, `...` and `continue`; an inhibit rule; send_resolved) and receive the same scripted alert
 * stream (new alerts, repeated posts, resolution by endsAt now and by endsAt reached, a silence created
 * and expired through the API, an inhibiting alert). Both send webhooks to one recorder (Alertmanager
 * to /alertmanager/<receiver>, MyMONIT to /mymonit/<receiver>; the two files differ only there). The
 * notifications must be the same (receiver, group labels, status, alerts with labels and status), in
 * the same order, each of MyMONIT's within one second of Alertmanager's.
 *
 * Alertmanager's side is also checked against the notifications the script is written to produce
 * (support/notify-differential.ts EXPECTED), which proves the harness on its own.
 */
const AMTOOL = ['/usr/bin/amtool', '/usr/local/bin/amtool'].find((p) => fs.existsSync(p));

describe('notifications: MyMONIT against a real Alertmanager', () => {
  let recorder: WebhookRecorder;
  let alertmanager: AlertmanagerServer;
  let stage: Awaited<ReturnType<typeof startNotifyStage>> | undefined;
  let platform: TestPlatform | undefined;
  let dir: string;
  let amFile: string;
  let mymonitFile: string;
  let startedAt = 0;
  let mymonitMissing: string | undefined;

  beforeAll(async () => {
    recorder = await startWebhookRecorder();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-differential-'));
    amFile = path.join(dir, 'alertmanager.yml');
    mymonitFile = path.join(dir, 'mymonit.yml');
    fs.writeFileSync(amFile, DIFFERENTIAL_CONFIG.replaceAll('{{WEBHOOK}}', `${recorder.url}/alertmanager`));
    fs.writeFileSync(mymonitFile, DIFFERENTIAL_CONFIG.replaceAll('{{WEBHOOK}}', `${recorder.url}/mymonit`));
    alertmanager = await startAlertmanager({ configFile: amFile });
    platform = await startPlatform({ env: { ALERTMANAGER_CONFIG_FILE: mymonitFile } });
    stage = await startNotifyStage(platform);
    const token = await platform.tokenFor(platform.admin);
    const targets: ScriptTarget[] = [{ name: 'alertmanager', apiBase: `${alertmanager.baseUrl}/api/v2` }];
    // Until the notification stage is merged, MyMONIT has no /alertmanager API: the script then runs on
    // Alertmanager alone and the comparison fails saying so.
    const probe = await fetch(`${platform.baseUrl}/alertmanager/api/v2/status`, { headers: { authorization: `Bearer ${token}` } });
    await probe.text();
    if (probe.status === 404) mymonitMissing = 'MyMONIT has no /alertmanager/api/v2 (GET status answered 404): the notification stage is not on this branch';
    else if (!stage.names.some((name) => /dispatch/.test(name))) mymonitMissing = `no notification dispatcher among the components (${stage.names.join(', ') || 'none'})`;
    if (!mymonitMissing) targets.push({ name: 'mymonit', apiBase: `${platform.baseUrl}/alertmanager/api/v2`, token });
    const steps: string[] = [];
    startedAt = await playScript(targets, (line) => steps.push(line));
    await recorder.waitFor(`Alertmanager's ${EXPECTED.length} notifications`, (hooks) => hooks.length >= EXPECTED.length, {
      path: undefined,
      timeoutMs: 15_000,
    }).catch(() => undefined); // the comparison below names what is missing
    // Listen until the script's end: a notification that should not be sent must have had its chance.
    const end = startedAt + SCRIPT_END_S * 1000;
    while (Date.now() < end) await new Promise((resolve) => setTimeout(resolve, Math.min(500, end - Date.now())));
    process.stdout.write(`script:\n${steps.join('\n')}\n`);
  }, 120_000);

  afterAll(async () => {
    await stage?.stop();
    await platform?.stop();
    await alertmanager?.stop();
    await recorder?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const side = (prefix: string): Digest[] =>
    recorder
      .received()
      .filter((hook) => hook.path.startsWith(`/${prefix}/`))
      .filter((hook) => hook.receivedAt - startedAt <= SCRIPT_END_S * 1000)
      .map((hook) => digest(hook, startedAt));

  it('the configuration passes Debian amtool check-config', () => {
    if (!AMTOOL) throw new Error('amtool is missing: apt-get install -y prometheus-alertmanager. This test does not skip.');
    const out = execFileSync(AMTOOL, ['check-config', amFile], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });

  it('the script produces the expected notifications on Alertmanager (the harness itself)', () => {
    const am = side('alertmanager');
    const expected: Digest[] = EXPECTED.map(({ second, ...rest }) => ({ ...rest, at: second * 1000 }));
    process.stdout.write(`Alertmanager (received, then the script's expected second):\n${table(am, expected)}\n`);
    expect(compareNotifications(expected, am, 700, ['expected', 'alertmanager'])).toEqual([]);
    // Alertmanager's webhook payload, version 4: the fields MyMONIT's webhook must match by name.
    const first = recorder.received().find((hook) => hook.path.startsWith('/alertmanager/'));
    expect(Object.keys(first?.body ?? {}).sort()).toEqual(
      ['alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version'].sort(),
    );
  });

  it("MyMONIT sends the same notifications in the same order, each within 1 s of Alertmanager's", () => {
    if (mymonitMissing) throw new Error(mymonitMissing);
    const am = side('alertmanager');
    const mymonit = side('mymonit');
    process.stdout.write(`Alertmanager then MyMONIT (time after the script's start, difference):\n${table(am, mymonit)}\n`);
    expect(compareNotifications(am, mymonit, 1000)).toEqual([]);
    // The payload's field names, byte for byte (Alertmanager's notify/webhook, version 4).
    const ours = recorder.received().find((hook) => hook.path.startsWith('/mymonit/'));
    const theirs = recorder.received().find((hook) => hook.path.startsWith('/alertmanager/'));
    expect(Object.keys(ours?.body ?? {})).toEqual(Object.keys(theirs?.body ?? {}));
    expect(Object.keys(ours?.body.alerts[0] ?? {})).toEqual(Object.keys(theirs?.body.alerts[0] ?? {}));
  });
});
