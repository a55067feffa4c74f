import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { signBundle, type BundleContent } from '../../../lib/agent/bundle';
import { PluginStore } from '../../../adapters/agent/plugin-store';
import { memoryLogger } from '../../../adapters/common/logger';

const bundle = (version: string, text = 'v'): BundleContent => ({
  name: 'echo',
  version,
  entry: 'run.sh',
  files: [{ path: 'run.sh', content: Buffer.from(`#!/bin/sh\necho '{"value": 1, "message": "${text}"}'\n`) }],
});

describe('agent plugin store', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('installs a signed bundle, upgrades it, and refuses a downgrade with the versions named', () => {
    const store = new PluginStore(dir, publicKey, memoryLogger());
    store.load();
    expect(store.install(signBundle(bundle('1.2.0'), privateKey))).toMatchObject({ ok: true, already: false });
    expect(store.install(signBundle(bundle('1.10.0'), privateKey))).toMatchObject({ ok: true, already: false });
    const refused = store.install(signBundle(bundle('1.9.0'), privateKey));
    expect(refused).toMatchObject({ ok: false, code: 'downgrade' });
    expect(!refused.ok && refused.reason).toMatch(/1\.9\.0 is lower than the installed 1\.10\.0/);
    expect(store.get('echo')?.version).toBe('1.10.0');
    expect(fs.readdirSync(path.join(dir, 'echo')).sort()).toEqual(['1.10.0', 'bundle.json']);
    expect(fs.statSync(store.get('echo')!.entry).mode & 0o777).toBe(0o755);
  });

  it('accepts the same bundle again, refuses other content under the same version', () => {
    const store = new PluginStore(dir, publicKey, memoryLogger());
    store.load();
    const first = signBundle(bundle('4'), privateKey);
    store.install(first);
    expect(store.install(first)).toMatchObject({ ok: true, already: true });
    expect(store.install(signBundle(bundle('4', 'other'), privateKey))).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('verifies installed bundles again at start and ignores one altered on disk', () => {
    const store = new PluginStore(dir, publicKey, memoryLogger());
    store.load();
    store.install(signBundle(bundle('2'), privateKey));
    const manifest = path.join(dir, 'echo', 'bundle.json');
    const wire = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: Array<{ content: string }> };
    wire.files[0]!.content = Buffer.from('#!/bin/sh\necho evil\n').toString('base64');
    fs.writeFileSync(manifest, JSON.stringify(wire));
    const logger = memoryLogger();
    const reloaded = new PluginStore(dir, publicKey, logger);
    reloaded.load();
    expect(reloaded.get('echo')).toBeUndefined();
    expect(logger.entries.some((e) => e.message === 'installed plugin fails verification: ignored' && /tampered/.test(String(e.meta?.reason)))).toBe(true);
  });
});
