import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CheckExecutor } from '../../../src/checks/ports';
import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { FilePluginSigner } from '../../../src/services/checks/agent-plugin-signer';
import { startAgent, type AgentProcess } from '../../support/agent-process';
import { eventually } from '../../support/eventually';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const plugin = (version: string, message = 'fine') => ({
  name: 'api-echo',
  version,
  entry: 'bin/run.sh',
  files: [
    { path: 'bin/run.sh', content: `#!/bin/sh\necho "{\\"value\\": ${version.split('.')[0]}, \\"message\\": \\"${message}\\"}"\n` },
    { path: 'README', content: Buffer.from('docs').toString('base64'), encoding: 'base64' },
  ],
});

describe('plugin registry and agents registry over REST, with a real agent', () => {
  let tmp: string;
  let p: TestPlatform;
  let admin: string;
  let agent: AgentProcess | undefined;
  const agentName = `api-agent-${process.pid}`;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agents-api-'));
    fs.chmodSync(tmp, 0o755);
    // The key generation command docs/checks.md gives.
    const keyFile = path.join(tmp, 'plugin-signing.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', keyFile]);
    p = await startPlatform({
      components: ['agents'],
      configure: (container) => void container.rebindSync(TYPES.PluginSigner).toConstantValue(new FilePluginSigner(keyFile)),
    });
    admin = await p.tokenFor(p.admin);
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await p?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('uploads and signs plugins (versions only go up), refuses bad ones naming the field, ADMIN only', async () => {
    const created = await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('1.0.0') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'api-echo', version: '1.0.0', entry: 'bin/run.sh', files: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('1.0.0') })).status).toBe(409);
    const lower = await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('0.9.0') });
    expect(lower).toMatchObject({ status: 409, body: { detail: expect.stringContaining('is at 1.0.0') } });
    const badPath = await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: { ...plugin('2.0.0'), files: [{ path: '../x', content: '#!/bin/sh' }] } });
    expect(badPath.status).toBe(400);
    expect(badPath.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'files[0].path' }), expect.objectContaining({ path: 'entry' })]));
    const badVersion = await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('1e3') });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.errors).toEqual([expect.objectContaining({ path: 'version' })]);
    const scientist = await p.tokenFor(await p.createUser('SCIENTIST'));
    expect((await call(p.baseUrl, 'POST', '/plugins', { token: scientist, body: plugin('3.0.0') })).status).toBe(403);
    expect((await call(p.baseUrl, 'GET', '/plugins', { token: scientist })).status).toBe(403);
    expect((await call(p.baseUrl, 'GET', '/agents', { token: scientist })).status).toBe(403);
    expect((await call(p.baseUrl, 'GET', '/plugins')).status).toBe(401);
    const listed = await call(p.baseUrl, 'GET', '/plugins', { token: admin });
    expect(listed.body.items.map((i: { version: string }) => i.version)).toEqual(['1.0.0']);
    const [rows] = await p.container
      .get<MysqlDatabase>(TYPES.Database)
      .executor()
      .query<RowDataPacket[]>("SELECT resource_id FROM audit_events WHERE action = 'plugin.create'");
    expect(rows.map((row) => row.resource_id)).toEqual(['api-echo@1.0.0']);
  });

  it('lists an announcing agent and runs the newest plugin on it through the bound executor', async () => {
    const key = await call(p.baseUrl, 'GET', '/plugins/signing-key', { token: admin });
    expect(key.body).toMatchObject({ algorithm: 'ed25519', publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    const keyFile = path.join(tmp, 'trusted.pub.pem');
    fs.writeFileSync(keyFile, key.body.publicKey);
    const config = path.join(tmp, 'agent.yaml');
    fs.writeFileSync(
      config,
      stringify({
        rabbit: { url: p.config.rabbit.url, exchange: p.config.rabbit.exchange },
        agent: { name: agentName, pluginDir: path.join(tmp, 'plugins'), publicKeyFile: keyFile, announceIntervalMs: 1000 },
      }),
    );
    agent = await startAgent(config);
    const agents = await eventually(
      () => call(p.baseUrl, 'GET', '/agents', { token: admin }),
      (r) => r.body?.items?.some((a: { name: string }) => a.name === agentName),
      { what: `agent ${agentName} listed`, timeoutMs: 30_000 },
    );
    expect(agents.body.items[0]).toMatchObject({ name: agentName, plugins: [], last_seen: expect.any(String) });

    expect((await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('2.0.0', 'second') })).status).toBe(201);
    const executor = p.container.getAll<CheckExecutor>(TYPES.CheckExecutor).find((e) => e.kinds.includes('plugin'));
    const result = await executor!.execute(
      {
        checkId: 1,
        checkName: 'api_echo',
        checkVersion: 1,
        experimentId: 1,
        experiment: 'EXP',
        kind: 'plugin',
        params: { kind: 'plugin', args: [] },
        plugin: 'api-echo',
        timeoutMs: 5000,
        host: { id: 1, experimentId: 1, name: 'h', address: '127.0.0.1', agent: agentName, description: '' },
        scheduleId: 1,
        slotMs: Date.now(),
        fencingToken: 1,
      },
      new AbortController().signal,
    );
    expect(result).toMatchObject({ outcome: 'ok', value: 2, message: 'second' });
    await eventually(
      () => call(p.baseUrl, 'GET', '/agents', { token: admin }),
      (r) => r.body.items[0]?.plugins?.[0]?.version === '2.0.0',
      { what: 'the agent announcing plugin 2.0.0' },
    );
  });
});

describe('plugin upload without a signing key', () => {
  it('answers 503 saying PLUGIN_SIGNING_KEY_FILE is missing, and generates no key', async () => {
    const p = await startPlatform({ configure: (c) => void c.rebindSync(TYPES.PluginSigner).toConstantValue(new FilePluginSigner(undefined)) });
    try {
      const admin = await p.tokenFor(p.admin);
      const refused = await call(p.baseUrl, 'POST', '/plugins', { token: admin, body: plugin('1') });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      expect(refused.body).toMatchObject({ type: expect.stringContaining('plugin-signing-unavailable'), detail: expect.stringContaining('PLUGIN_SIGNING_KEY_FILE') });
      expect((await call(p.baseUrl, 'GET', '/plugins/signing-key', { token: admin })).status).toBe(503);
      expect((await call(p.baseUrl, 'GET', '/plugins', { token: admin })).body.items).toEqual([]);
    } finally {
      await p.stop();
    }
  });
});
