import { generateKeyPairSync } from 'node:crypto';
import {
  bundleSha256,
  canonicalBundleBytes,
  ed25519PrivateKey,
  ed25519PublicKey,
  signBundle,
  verifyBundle,
  type BundleContent,
} from '../../../lib/agent/bundle';
import { bundleFromWire, bundleToWire, bundleWireSchema, parseMessage } from '../../../lib/agent/protocol';
import { compareVersions, isPluginVersion } from '../../../lib/agent/version';
import { parsePluginOutput } from '../../../lib/agent/plugin-output';

const keys = () => generateKeyPairSync('ed25519');

const content: BundleContent = {
  name: 'disk-free',
  version: '3',
  entry: 'run.sh',
  files: [
    { path: 'run.sh', content: Buffer.from('#!/bin/sh\necho \'{"value": 1, "message": "ok"}\'\n') },
    { path: 'lib/helper.txt', content: Buffer.from('helper') },
  ],
};

describe('plugin bundles: canonical encoding, Ed25519 signature', () => {
  it('signs and verifies with the pair, whatever the order of the files', () => {
    const { privateKey, publicKey } = keys();
    const signed = signBundle(content, privateKey);
    expect(verifyBundle(signed, publicKey)).toEqual({ ok: true });
    const reordered = { ...signed, files: [...signed.files].reverse() };
    expect(verifyBundle(reordered, publicKey)).toEqual({ ok: true });
    expect(signed.sha256).toBe(bundleSha256(content));
  });

  it('encodes fields with their lengths, so moving a byte between fields changes the bytes', () => {
    const a = canonicalBundleBytes({ ...content, name: 'ab', version: '1' });
    const b = canonicalBundleBytes({ ...content, name: 'a', version: 'b1' });
    expect(a.equals(b)).toBe(false);
  });

  it('refuses one tampered byte of a file: the content no longer hashes to its sha256', () => {
    const { privateKey, publicKey } = keys();
    const signed = signBundle(content, privateKey);
    const bytes = Buffer.from(signed.files[0]!.content);
    bytes[12] = bytes[12]! ^ 1;
    const tampered = { ...signed, files: [{ path: 'run.sh', content: bytes }, signed.files[1]!] };
    expect(verifyBundle(tampered, publicKey)).toMatchObject({ ok: false, code: 'tampered' });
  });

  it('refuses a tampered file whose sha256 was recomputed: the signature does not verify', () => {
    const { privateKey, publicKey } = keys();
    const signed = signBundle(content, privateKey);
    const files = [{ path: 'run.sh', content: Buffer.from('#!/bin/sh\nrm -rf /\n') }, signed.files[1]!];
    const tampered = { ...signed, files, sha256: bundleSha256({ ...signed, files }) };
    expect(verifyBundle(tampered, publicKey)).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('refuses a bundle signed by another key, and an unsigned one', () => {
    const signed = signBundle(content, keys().privateKey);
    expect(verifyBundle(signed, keys().publicKey)).toMatchObject({ ok: false, code: 'bad-signature' });
    const { signature: _dropped, ...unsigned } = signed;
    void _dropped;
    expect(verifyBundle(unsigned, keys().publicKey)).toMatchObject({ ok: false, code: 'unsigned', reason: expect.stringContaining('unsigned') });
  });

  it('refuses a truncated or garbage signature without throwing', () => {
    const { privateKey, publicKey } = keys();
    const signed = signBundle(content, privateKey);
    expect(verifyBundle({ ...signed, signature: signed.signature!.slice(0, 20) }, publicKey)).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('refuses duplicate paths (two bundles must never encode alike)', () => {
    const { privateKey, publicKey } = keys();
    const signed = signBundle(content, privateKey);
    const doubled = { ...signed, files: [...signed.files, signed.files[0]!] };
    expect(verifyBundle(doubled, publicKey)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('round-trips the wire form, which the schema validates', () => {
    const { privateKey, publicKey } = keys();
    const wire = bundleToWire(signBundle(content, privateKey));
    const parsed = parseMessage(bundleWireSchema, JSON.stringify(wire));
    expect(parsed.ok).toBe(true);
    const back = bundleFromWire(parsed.ok ? parsed.value : wire);
    expect(back.ok && verifyBundle(back.value, publicKey)).toEqual({ ok: true });
  });

  it('refuses unsafe paths and an entry that is not a file of the bundle', () => {
    const wire = bundleToWire(signBundle(content, keys().privateKey));
    for (const path of ['../etc/passwd', '/abs', 'a/../b', '.hidden', 'a/.git/x', 'a b']) {
      expect(parseMessage(bundleWireSchema, JSON.stringify({ ...wire, files: [{ path, content: '' }] })).ok).toBe(false);
    }
    expect(bundleFromWire({ ...wire, entry: 'missing.sh' })).toMatchObject({ ok: false });
  });

  it('reads PEM keys and refuses a key that is not Ed25519', () => {
    const { privateKey } = keys();
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    const key = ed25519PrivateKey(pem);
    expect(ed25519PublicKey(key).asymmetricKeyType).toBe('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => ed25519PrivateKey(rsa)).toThrow(/not ed25519/);
  });
});

describe('plugin versions', () => {
  it('orders integers and MAJOR.MINOR.PATCH numerically, past 2^53 too', () => {
    expect(compareVersions('10', '9')).toBeGreaterThan(0);
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('2', '2.0.0')).toBe(0);
    expect(compareVersions('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareVersions('1.2.3', '1.2.4')).toBeLessThan(0);
  });

  it('refuses what is not a version', () => {
    for (const bad of ['', '01', '1.2', '1.2.3.4', '1e3', '-1', '1.2.3-beta', ' 1']) expect(isPluginVersion(bad)).toBe(false);
    expect(() => compareVersions('x', '1')).toThrow();
  });
});

describe('plugin output contract', () => {
  it('reads value and message from the last non-empty line', () => {
    expect(parsePluginOutput('progress...\n{"value": 42.5, "message": "disk ok"}\n\n')).toEqual({ ok: true, value: 42.5, message: 'disk ok' });
    expect(parsePluginOutput('{"value": null, "message": "no value"}')).toEqual({ ok: true, value: null, message: 'no value' });
  });

  it('refuses missing, non-JSON, infinite and mistyped output', () => {
    expect(parsePluginOutput('')).toMatchObject({ ok: false });
    expect(parsePluginOutput('42\nok')).toMatchObject({ ok: false });
    expect(parsePluginOutput('{"value": 1e400, "message": "x"}')).toMatchObject({ ok: false, reason: expect.stringContaining('finite') });
    expect(parsePluginOutput('{"value": "12", "message": "x"}')).toMatchObject({ ok: false });
    expect(parsePluginOutput('{"value": 1, "message": 7}')).toMatchObject({ ok: false });
    expect(parsePluginOutput('[1, "x"]')).toMatchObject({ ok: false });
  });
});
