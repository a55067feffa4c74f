import { generateKeyPairSync } from 'node:crypto';
import { signBundle, type SignedBundle } from '../../../../lib/agent/bundle';
import type { RequestOutcome } from '../../../../lib/agent/core-client';
import type { AgentRequest } from '../../../../lib/agent/protocol';
import type { CheckJob } from '../../../../src/checks/ports';
import { AgentExecutor } from '../../../../src/services/checks/agent-executor';
import type { AgentChannel, PluginSource } from '../../../../src/services/checks/agent-ports';

const bundle: SignedBundle = signBundle(
  { name: 'p', version: '2', entry: 'run', files: [{ path: 'run', content: Buffer.from('#!/bin/sh\n') }] },
  generateKeyPairSync('ed25519').privateKey,
);

class Source implements PluginSource {
  installed: string | undefined;
  noted: string[] = [];
  async latestBundle(name: string) {
    return name === 'p' ? bundle : undefined;
  }
  async installedVersion() {
    return this.installed;
  }
  noteInstalled(agent: string, plugin: string, version: string) {
    this.noted.push(`${agent}:${plugin}@${version}`);
    this.installed = version;
  }
}

/** Answers each request with the next scripted outcome, and records what it was asked. */
class ScriptedChannel implements AgentChannel {
  readonly asked: Array<{ agent: string; request: AgentRequest; timeoutMs: number }> = [];
  constructor(private readonly answers: Array<(request: AgentRequest) => RequestOutcome | Promise<RequestOutcome>>) {}
  async request(agent: string, request: AgentRequest, timeoutMs: number): Promise<RequestOutcome> {
    this.asked.push({ agent, request, timeoutMs });
    const next = this.answers.shift();
    if (!next) throw new Error(`unexpected request ${request.type}`);
    return next(request);
  }
}

const job = (fields: Partial<CheckJob> = {}): CheckJob => ({
  checkId: 1,
  checkName: 'c',
  checkVersion: 1,
  experimentId: 1,
  experiment: 'E',
  kind: 'plugin',
  params: { kind: 'plugin', args: ['-x'] },
  plugin: 'p',
  timeoutMs: 1000,
  host: { id: 1, experimentId: 1, name: 'h', address: '10.0.0.1', agent: 'a1', description: '' },
  scheduleId: 1,
  slotMs: 0,
  fencingToken: 1,
  ...fields,
});
const signal = () => new AbortController().signal;
const result = (value: number | null, extra: object = {}): RequestOutcome => ({
  kind: 'reply',
  reply: { type: 'result', outcome: 'ok', value, message: 'm', durationMs: 5, ...extra },
});

describe('AgentExecutor', () => {
  it('pushes the bundle when the agent lacks the version, then runs it with the job’s args and timeout', async () => {
    const source = new Source();
    const channel = new ScriptedChannel([() => ({ kind: 'reply', reply: { type: 'installed', plugin: 'p', version: '2' } }), () => result(7)]);
    const run = await new AgentExecutor(channel, source, { replyGraceMs: 500 }).execute(job(), signal());
    expect(run).toMatchObject({ outcome: 'ok', value: 7, message: 'm', durationMs: 5 });
    expect(channel.asked.map((a) => a.request.type)).toEqual(['install', 'run']);
    expect(channel.asked[1]!.request).toMatchObject({ job: { plugin: 'p', version: '2', args: ['-x'], timeoutMs: 1000 } });
    expect(channel.asked.every((a) => a.agent === 'a1' && a.timeoutMs <= 1500)).toBe(true);
    expect(source.noted).toEqual(['a1:p@2']);
  });

  it('pushes once more when the agent says the plugin is missing, and no more', async () => {
    const source = new Source();
    source.installed = '2';
    const installed = (): RequestOutcome => ({ kind: 'reply', reply: { type: 'installed', plugin: 'p', version: '2' } });
    const missing = () => result(null, { outcome: 'error', message: 'not installed', missing: true });
    const channel = new ScriptedChannel([missing, installed, missing]);
    const run = await new AgentExecutor(channel, source).execute(job(), signal());
    expect(channel.asked.map((a) => a.request.type)).toEqual(['run', 'install', 'run']);
    expect(run).toMatchObject({ outcome: 'error', message: 'not installed' });
    expect(run.value).toBeUndefined();
  });

  it('maps no answer to timeout, an absent agent and refusals to error', async () => {
    const source = new Source();
    source.installed = '2';
    expect(await new AgentExecutor(new ScriptedChannel([() => ({ kind: 'timeout' })]), source).execute(job(), signal())).toMatchObject({
      outcome: 'timeout',
      message: 'agent a1 did not answer in time',
    });
    expect(await new AgentExecutor(new ScriptedChannel([() => ({ kind: 'unroutable' })]), source).execute(job(), signal())).toMatchObject({
      outcome: 'error',
      message: 'agent a1 is not connected',
    });
    const noAgent = job({ host: { id: 1, experimentId: 1, name: 'h', address: 'x', description: '' } });
    expect(await new AgentExecutor(new ScriptedChannel([]), source).execute(noAgent, signal())).toMatchObject({ outcome: 'error', message: expect.stringContaining('has no agent') });
    expect(await new AgentExecutor(new ScriptedChannel([]), source).execute(job({ plugin: 'unknown' }), signal())).toMatchObject({
      outcome: 'error',
      message: 'plugin unknown has not been uploaded',
    });
    source.installed = undefined;
    const refused = new ScriptedChannel([() => ({ kind: 'reply', reply: { type: 'refused', plugin: 'p', version: '2', code: 'downgrade', reason: 'lower' } })]);
    expect(await new AgentExecutor(refused, source).execute(job(), signal())).toMatchObject({ outcome: 'error', message: 'agent a1 refused plugin p 2 (downgrade): lower' });
  });

  it('stops waiting when the run is cancelled', async () => {
    const source = new Source();
    source.installed = '2';
    const channel = new ScriptedChannel([() => new Promise<RequestOutcome>(() => undefined)]);
    const abort = new AbortController();
    const pending = new AgentExecutor(channel, source).execute(job({ timeoutMs: 60_000 }), abort.signal);
    abort.abort();
    expect(await pending).toMatchObject({ outcome: 'error', message: expect.stringContaining('cancelled') });
  });

  it('turns a mesh reply into fields, details, value and outcome', async () => {
    const peers = [
      { id: 2, experimentId: 1, name: 'p1', address: '10.0.0.2', description: '' },
      { id: 3, experimentId: 1, name: 'p2', address: '10.0.0.3', description: '' },
    ];
    const channel = new ScriptedChannel([
      (request) => ({
        kind: 'reply',
        reply: {
          type: 'mesh-result',
          durationMs: 3,
          rows: request.type === 'mesh' ? request.job.peers.map((p, i) => ({ ...p, ok: i === 0, latencyMs: i === 0 ? 1.5 : null, ...(i === 0 ? {} : { error: 'ECONNREFUSED' }) })) : [],
        },
      }),
    ]);
    const run = await new AgentExecutor(channel, new Source()).execute(job({ kind: 'mesh', params: { kind: 'mesh', port: 8443 }, peers }), signal());
    expect(channel.asked[0]!.request).toMatchObject({ type: 'mesh', job: { peers: [{ host: 'p1', address: '10.0.0.2', port: 8443 }, { host: 'p2', address: '10.0.0.3', port: 8443 }] } });
    expect(run).toMatchObject({ outcome: 'failed', value: 1.5, message: '1/2 peers reachable on port 8443; unreachable: p2 (ECONNREFUSED)' });
    expect([...run.fields!]).toEqual([['latency_ms_p1', 1.5]]);
    expect(run.details).toEqual({
      prober: 'h',
      port: 8443,
      rows: [
        { host: 'p1', address: '10.0.0.2', port: 8443, ok: true, latency_ms: 1.5 },
        { host: 'p2', address: '10.0.0.3', port: 8443, ok: false, latency_ms: null, error: 'ECONNREFUSED' },
      ],
    });
  });
});
