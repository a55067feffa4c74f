import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container } from 'inversify';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import { AlertmanagerConfigService } from '../../../src/services/notify/alertmanager-config-service';
import type { AuditStore, Database } from '../../../src/storage/stores';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const FILE_CONFIG = `route:
  receiver: file-receiver
receivers:
  - name: file-receiver
`;

const PUT_CONFIG = `route:
  receiver: ops
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: tickets
receivers:
  - name: ops
    webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
  - name: tickets
    ticket_configs: [{reopen_window: 2h}]
`;

/** GET/PUT /alertmanager/config over the real REST listener and MariaDB; a second instance applies a PUT by polling. */
describe('/alertmanager/config', () => {
  let p: TestPlatform;
  let dir: string;
  let admin: string;
  let scientist: string;
  let other: Container | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-config-rest-'));
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), FILE_CONFIG);
    p = await startPlatform({
      components: ['alertmanager-config'],
      env: { ALERTMANAGER_CONFIG_FILE: path.join(dir, 'alertmanager.yml'), ALERTMANAGER_CONFIG_POLL_MS: '100' },
    });
    admin = await p.tokenFor(p.admin);
    scientist = await p.tokenFor(await p.createUser('SCIENTIST'));
  });

  afterAll(async () => {
    if (other) {
      await other.get(AlertmanagerConfigService).stop();
      await other.get<Database>(TYPES.Database).close();
    }
    await p.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const yamlPut = (body: string, token = admin, type = 'text/yaml') =>
    call(p.baseUrl, 'PUT', '/alertmanager/config', { token, rawBody: body, headers: { 'content-type': type } });

  it('serves the file loaded at start as version 1', async () => {
    const got = await call(p.baseUrl, 'GET', '/alertmanager/config', { token: admin });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(got.headers.get('x-alertmanager-config-version')).toBe('1');
    expect(got.body).toBe(FILE_CONFIG);
    expect(p.container.get(AlertmanagerConfigService).current().route.receiver).toBe('file-receiver');
  });

  it('refuses anyone but an ADMIN', async () => {
    expect((await call(p.baseUrl, 'GET', '/alertmanager/config', { token: scientist })).status).toBe(403);
    expect((await yamlPut(PUT_CONFIG, scientist)).status).toBe(403);
    expect((await call(p.baseUrl, 'GET', '/alertmanager/config')).status).toBe(401);
  });

  it('refuses an invalid or unsupported configuration naming key and line, and a body that is not YAML', async () => {
    const bad = await yamlPut('route:\n  receiver: nobody\n  group_wait: soon\nreceivers:\n  - name: x\n    slack_configs: []\n');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body.errors).toEqual([
      { path: 'route.group_wait', message: 'line 3:15: not a valid duration string: "soon"' },
      { path: 'receivers[0].slack_configs', message: 'line 6:5: receiver key "slack_configs" is not supported by MyMONIT' },
    ]);
    const undefinedReceiver = await yamlPut('route:\n  receiver: nobody\nreceivers:\n  - name: x\n');
    expect(undefinedReceiver.body.errors).toEqual([{ path: 'route.receiver', message: 'line 2:13: undefined receiver "nobody" used in route' }]);
    expect((await yamlPut('{"route":{}}', admin, 'application/json')).status).toBe(415);
    const got = await call(p.baseUrl, 'GET', '/alertmanager/config', { token: admin });
    expect(got.headers.get('x-alertmanager-config-version')).toBe('1');
  });

  it('stores a PUT as a new version, audited, applied here at once and by another instance within a poll', async () => {
    other = buildContainer(p.config);
    const second = other.get(AlertmanagerConfigService);
    await second.start();
    expect(second.version()).toBe(1);

    const put = await yamlPut(PUT_CONFIG);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ version: 2 });
    expect(p.container.get(AlertmanagerConfigService).current().receivers.get('tickets')?.tickets).toEqual([
      { sendResolved: true, reopenWindowMs: 7_200_000, autoResolve: true },
    ]);
    const got = await call(p.baseUrl, 'GET', '/alertmanager/config', { token: admin });
    expect(got.body).toBe(PUT_CONFIG);
    await eventually(() => second.version(), (v) => v === 2, { what: 'the second instance applies version 2' });
    expect(second.current().route.routes[0]?.receiver).toBe('tickets');

    const audit = await p.container.get<AuditStore>(TYPES.AuditStore).list({ limit: 50, resourceType: 'alertmanager-config' });
    expect(audit.map((e) => `${e.action} ${e.resourceId}`)).toEqual(
      expect.arrayContaining(['alertmanager-config.load 1', 'alertmanager-config.update 2']),
    );
  });

  it('a restart with the unchanged file keeps the PUT; an edited file is applied', async () => {
    const restarted = buildContainer(p.config);
    try {
      const service = restarted.get(AlertmanagerConfigService);
      await service.start();
      expect(service.version()).toBe(2);
      await service.stop();
      fs.writeFileSync(path.join(dir, 'alertmanager.yml'), FILE_CONFIG.replace(/file-receiver/g, 'edited'));
      await service.start();
      expect(service.version()).toBe(3);
      expect(service.current().route.receiver).toBe('edited');
      await service.stop();
      // SIGHUP (emitted to the listeners, not sent): the running instance stores the edited file and applies it.
      fs.writeFileSync(path.join(dir, 'alertmanager.yml'), FILE_CONFIG.replace(/file-receiver/g, 'sighup'));
      process.emit('SIGHUP', 'SIGHUP');
      const running = p.container.get(AlertmanagerConfigService);
      await eventually(() => running.current().route.receiver, (r) => r === 'sighup', { what: 'the SIGHUP reload applied' });
      expect(running.version()).toBeGreaterThanOrEqual(4);
    } finally {
      await restarted.get<Database>(TYPES.Database).close();
    }
  });
});
