import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { signBundle, type BundleContent, type SignedBundle } from '../../../lib/agent/bundle';
import { AgentClient } from '../../../lib/agent/core-client';
import type { Announce } from '../../../lib/agent/protocol';
import type { Host } from '../../../src/checks/model';
import type { CheckJob } from '../../../src/checks/ports';
import type { PluginSource } from '../../../src/services/checks/agent-ports';
import { AgentExecutor } from '../../../src/services/checks/agent-executor';
import { startAgent, type AgentProcess } from '../../support/agent-process';
import { eventually } from '../../support/eventually';
import { killConnectionFromBroker } from '../adapters/broker';
import { testConfig, uniqueName } from '../../support/real-services';

/** The registry's part, stood in for: bundles by name, and what each agent announced or installed. */
class StandInPlugins implements PluginSource {
  readonly bundles = new Map<string, SignedBundle>();
  readonly installs = new Map<string, Map<string, string>>();
  /** When set, the executor believes the agent lacks every plugin (so it pushes whatever it is given). */
  forgetful = false;
  async latestBundle(name: string) {
    return this.bundles.get(name);
  }
  async installedVersion(agent: string, plugin: string) {
    return this.forgetful ? undefined : this.installs.get(agent)?.get(plugin);
  }
  noteInstalled(agent: string, plugin: string, version: string) {
    if (!this.installs.has(agent)) this.installs.set(agent, new Map());
    this.installs.get(agent)!.set(plugin, version);
  }
}

const script = (body: string) => Buffer.from(`#!/bin/sh\n${body}\n`);

describe('agents: two real agent processes over the real RabbitMQ', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const exchange = uniqueName('agents');
  const names = [uniqueName('agent-a'), uniqueName('agent-b')];
  const announcements = new Map<string, Announce>();
  const plugins = new StandInPlugins();
  let tmp: string;
  let agents: AgentProcess[] = [];
  let client: AgentClient;
  let executor: AgentExecutor;
  let meshServer: net.Server;
  let meshPort: number;

  const host = (index: number, agent: string | undefined = names[index]): Host => ({
    id: index + 1,
    experimentId: 1,
    name: `host-${index === 0 ? 'a' : 'b'}`,
    address: '127.0.0.1',
    ...(agent === undefined ? {} : { agent }),
    description: '',
  });
  const job = (fields: Partial<CheckJob> & Pick<CheckJob, 'kind' | 'params'>, hostIndex = 0): CheckJob => ({
    checkId: 1,
    checkName: 'agent_check',
    checkVersion: 1,
    experimentId: 1,
    experiment: 'EXP-AGENTS',
    timeoutMs: 5000,
    host: host(hostIndex),
    scheduleId: 1,
    slotMs: Date.now(),
    fencingToken: 1,
    ...fields,
  });
  const runPlugin = (plugin: string, args: string[] = [], timeoutMs = 5000, hostIndex = 0) =>
    executor.execute(job({ kind: 'plugin', params: { kind: 'plugin', args }, plugin, timeoutMs }, hostIndex), new AbortController().signal);
  const upload = (content: BundleContent) => {
    const signed = signBundle(content, privateKey);
    plugins.bundles.set(content.name, signed);
    return signed;
  };
  const refusals = (agent: AgentProcess) => agent.logs().filter((line) => line.message === 'plugin refused');

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agents-'));
    // The agents run as root here and their plugins as nobody, who must reach the plugin directories.
    fs.chmodSync(tmp, 0o755);
    const keyFile = path.join(tmp, 'signing.pub.pem');
    fs.writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const url = testConfig().rabbit.url;
    client = new AgentClient({
      url,
      exchange,
      connectionName: `${exchange} test core`,
      logger: { info: () => undefined, warn: () => undefined, error: (m, meta) => console.error(m, meta) },
      onAnnounce: async (announce) => {
        announcements.set(announce.agent, announce);
        plugins.installs.set(announce.agent, new Map(announce.plugins.map((p) => [p.name, p.version])));
      },
    });
    await client.start();
    agents = await Promise.all(
      names.map((name) => {
        const config = path.join(tmp, `${name}.yaml`);
        fs.writeFileSync(
          config,
          stringify({
            rabbit: { url, exchange },
            logLevel: 'info',
            agent: { name, pluginDir: path.join(tmp, name, 'plugins'), publicKeyFile: keyFile, announceIntervalMs: 2000 },
          }),
        );
        return startAgent(config);
      }),
    );
    executor = new AgentExecutor(client, plugins, { replyGraceMs: 3000, outputLimit: 64 * 1024 });
    meshServer = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => meshServer.listen(0, '127.0.0.1', resolve));
    meshPort = (meshServer.address() as net.AddressInfo).port;
    await eventually(() => names.every((n) => announcements.has(n)), (all) => all, {
      timeoutMs: 60_000,
      what: `both agents announced (outputs: ${agents.map((a) => a.output()).join('\n')})`,
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await client?.stop();
    await new Promise<void>((resolve) => (meshServer ? meshServer.close(() => resolve()) : resolve()));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pushes a signed plugin to the agent that lacks it, runs it unprivileged and returns its value and message', async () => {
    upload({
      name: 'echo-uid',
      version: '1.0.0',
      entry: 'run.sh',
      files: [{ path: 'run.sh', content: script('echo "progress line"\nprintf \'{"value": 42.5, "message": "uid %s arg %s"}\\n\' "$(id -u)" "$1"') }],
    });
    const result = await runPlugin('echo-uid', ['hello']);
    const nobody = execFileSync('id', ['-u', 'nobody']).toString().trim();
    expect(result).toMatchObject({ outcome: 'ok', value: 42.5, message: `uid ${nobody} arg hello` });
    expect(agents[0]!.logs().some((l) => l.message === 'plugin installed' && l.plugin === 'echo-uid')).toBe(true);
    expect(agents[0]!.logs().some((l) => l.message === 'agent starting' && /plugins run as nobody/.test(String(l.runAs)))).toBe(true);
    // The agent's next announcement lists it; the second agent never got it.
    await eventually(() => announcements.get(names[0]!)?.plugins, (p) => p?.some((x) => x.name === 'echo-uid' && x.version === '1.0.0') === true, {
      what: 'the announcement listing the plugin',
    });
    expect(announcements.get(names[1]!)?.plugins ?? []).toEqual([]);
    // Installed now: a second run sends no bundle.
    const installsBefore = agents[0]!.logs().filter((l) => l.message === 'plugin installed').length;
    expect(await runPlugin('echo-uid', ['again'])).toMatchObject({ outcome: 'ok', message: `uid ${nobody} arg again` });
    expect(agents[0]!.logs().filter((l) => l.message === 'plugin installed').length).toBe(installsBefore);
  });

  it('refuses a tampered bundle, an unsigned one and a downgrade, each with its reason in the result and the log', async () => {
    const good = signBundle({ name: 'guarded', version: '5', entry: 'run.sh', files: [{ path: 'run.sh', content: script('echo \'{"value": 1, "message": "ok"}\'') }] }, privateKey);
    const bytes = Buffer.from(good.files[0]!.content);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x20;
    plugins.bundles.set('guarded', { ...good, files: [{ path: 'run.sh', content: bytes }] });
    const tampered = await runPlugin('guarded', [], 5000, 1);
    expect(tampered.outcome).toBe('error');
    expect(tampered.message).toMatch(/refused plugin guarded 5 \(tampered\).*sha256/);

    const { signature: _dropped, ...unsigned } = good;
    void _dropped;
    plugins.bundles.set('guarded', unsigned);
    const refusedUnsigned = await runPlugin('guarded', [], 5000, 1);
    expect(refusedUnsigned).toMatchObject({ outcome: 'error', message: expect.stringMatching(/\(unsigned\).*is unsigned/) });

    plugins.bundles.set('guarded', good);
    expect(await runPlugin('guarded', [], 5000, 1)).toMatchObject({ outcome: 'ok', value: 1, message: 'ok' });
    plugins.bundles.set('guarded', signBundle({ ...good, version: '4' }, privateKey));
    plugins.forgetful = true;
    try {
      const downgrade = await runPlugin('guarded', [], 5000, 1);
      expect(downgrade).toMatchObject({ outcome: 'error', message: expect.stringMatching(/\(downgrade\).*4 is lower than the installed 5/) });
    } finally {
      plugins.forgetful = false;
    }
    expect(refusals(agents[1]!).map((l) => l.code)).toEqual(['tampered', 'unsigned', 'downgrade']);
    expect(refusals(agents[1]!).every((l) => typeof l.reason === 'string' && l.reason.length > 0)).toBe(true);
  });

  it('kills a plugin that runs too long (its children too) and cuts one that prints too much', async () => {
    const marker = `${29 + Math.random()}`.slice(0, 8);
    upload({ name: 'sleeper', version: '1', entry: 'run.sh', files: [{ path: 'run.sh', content: script(`sleep ${marker}\necho '{"value": 1, "message": "late"}'`) }] });
    const slow = await runPlugin('sleeper', [], 800);
    expect(slow.outcome).toBe('timeout');
    expect(slow.message).toMatch(/longer than 800 ms: killed/);
    expect(slow.durationMs).toBeLessThan(800 + 3000);
    await eventually(
      () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((line) => line.includes(`sleep ${marker}`)),
      (lines) => lines.length === 0,
      { what: 'the plugin and its sleep gone' },
    );

    upload({ name: 'chatty', version: '1', entry: 'run.sh', files: [{ path: 'run.sh', content: script('while :; do echo 0123456789012345678901234567890123456789; done') }] });
    const chatty = await runPlugin('chatty', [], 10_000);
    expect(chatty).toMatchObject({ outcome: 'error', message: expect.stringMatching(/more than the output limit of 65536 bytes/) });
    expect(chatty.durationMs).toBeLessThan(10_000);
  });

  it('runs one check at a time per agent, in the order sent', async () => {
    upload({
      name: 'span',
      version: '1',
      entry: 'run.sh',
      files: [{ path: 'run.sh', content: script('a=$(date +%s%N)\nsleep 0.3\nb=$(date +%s%N)\necho "{\\"value\\": 0, \\"message\\": \\"$a $b\\"}"') }],
    });
    await runPlugin('span');
    const results = await Promise.all([runPlugin('span'), runPlugin('span'), runPlugin('span')]);
    const spans = results.map((r) => r.message.split(' ').map((n) => BigInt(n)));
    for (let i = 1; i < spans.length; i += 1) expect(spans[i]![0]! >= spans[i - 1]![1]!).toBe(true);
  });

  it('answers error for a host without agent and for an agent that is not connected', async () => {
    const noAgent = await executor.execute(job({ kind: 'plugin', params: { kind: 'plugin', args: [] }, plugin: 'echo-uid', host: host(0, '') }), new AbortController().signal);
    expect(noAgent).toMatchObject({ outcome: 'error', message: expect.stringContaining('has no agent') });
    const gone = await executor.execute(
      job({ kind: 'plugin', params: { kind: 'plugin', args: [] }, plugin: 'echo-uid', host: host(0, 'nobody-runs-this-agent') }),
      new AbortController().signal,
    );
    expect(gone).toMatchObject({ outcome: 'error', message: 'agent nobody-runs-this-agent is not connected' });
  });

  it('runs the mesh check between the two agents: a 2 x 2 matrix of TCP latencies, its diagonal empty', async () => {
    // The scheduler's peers (expandSlot): the other hosts of the group, never the prober itself.
    const peersOf = (index: number) => [host(1 - index)];
    const results = await Promise.all(
      [0, 1].map((index) =>
        executor.execute(job({ kind: 'mesh', params: { kind: 'mesh', port: meshPort }, peers: peersOf(index) }, index), new AbortController().signal),
      ),
    );
    for (const [index, result] of results.entries()) {
      const other = host(1 - index).name;
      expect(result.outcome).toBe('ok');
      expect(result.message).toBe(`1/1 peers reachable on port ${meshPort}`);
      expect([...(result.fields?.keys() ?? [])]).toEqual([`latency_ms_${other}`]);
      for (const latency of result.fields?.values() ?? []) expect(latency).toBeGreaterThan(0);
      expect(result.details).toMatchObject({
        prober: host(index).name,
        port: meshPort,
        rows: [{ host: other, address: '127.0.0.1', port: meshPort, ok: true, latency_ms: expect.any(Number) }],
      });
      expect((result.details as { rows: unknown[] }).rows).toHaveLength(1);
      expect(result.value).toBe(Math.max(...(result.fields?.values() ?? [])));
    }
    // A peer whose port is closed: the row says so and the run fails.
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = await executor.execute(job({ kind: 'mesh', params: { kind: 'mesh', port: closed }, peers: peersOf(1) }, 1), new AbortController().signal);
    expect(down).toMatchObject({ outcome: 'failed', message: expect.stringContaining('0/1 peers reachable') });
    expect(down.fields?.size).toBe(0);
  });

  it('reconnects after the broker closes its connection, and serves again', async () => {
    await killConnectionFromBroker(`mymonit-agent ${names[0]} ${agents[0]!.child.pid}`);
    await eventually(() => agents[0]!.logs().filter((l) => l.message === 'agent connected').length, (n) => n >= 2, { what: 'agent A connected again', timeoutMs: 30_000 });
    const nobody = execFileSync('id', ['-u', 'nobody']).toString().trim();
    const again = await eventually(() => runPlugin('echo-uid', ['back']), (r) => r.outcome === 'ok', { what: 'a run after the reconnect', timeoutMs: 30_000 });
    expect(again).toMatchObject({ value: 42.5, message: `uid ${nobody} arg back` });
  });

  it('stops on SIGTERM with status 0, logging its counters', async () => {
    expect(await agents[1]!.stop()).toEqual({ code: 0, signal: null });
    expect(agents[1]!.logs().find((l) => l.message === 'agent stopped')).toMatchObject({ agent: names[1], refused: 3, installed: 1, meshes: 2 });
  });
});
