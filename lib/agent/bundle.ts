import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * A plugin bundle: the plugin's files, its entry point, its version, the SHA-256 of its canonical encoding
 * and the core's Ed25519 signature over that same encoding. The encoding is bytes defined here, never the
 * JSON of an object (whose key order a sender chooses): a domain tag, then each field as a 4-byte
 * big-endian length and its UTF-8 bytes, the files sorted by path (byte order), each path then content.
 *
 *   "MYMONIT-PLUGIN-BUNDLE-1\n" | name | version | entry | u32 file count | (path | content)*
 */
export interface BundleFile {
  readonly path: string;
  readonly content: Buffer;
}

export interface BundleContent {
  readonly name: string;
  readonly version: string;
  /** The file executed (a path among `files`, with a `#!` line). */
  readonly entry: string;
  readonly files: readonly BundleFile[];
}

export interface SignedBundle extends BundleContent {
  /** Hex SHA-256 of canonicalBundleBytes(). */
  readonly sha256: string;
  /** Base64 Ed25519 signature of canonicalBundleBytes(); absent: unsigned (always refused by agents). */
  readonly signature?: string;
}

const DOMAIN_TAG = Buffer.from('MYMONIT-PLUGIN-BUNDLE-1\n', 'utf8');

function field(bytes: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** The bytes that are hashed and signed. Refuses duplicate paths (they would make two bundles one). */
export function canonicalBundleBytes(bundle: BundleContent): Buffer {
  const files = [...bundle.files].sort((a, b) => Buffer.compare(utf8(a.path), utf8(b.path)));
  for (let i = 1; i < files.length; i += 1) {
    if (files[i]?.path === files[i - 1]?.path) throw new Error(`duplicate file in bundle: ${files[i]?.path}`);
  }
  const count = Buffer.alloc(4);
  count.writeUInt32BE(files.length);
  return Buffer.concat([
    DOMAIN_TAG,
    ...field(utf8(bundle.name)),
    ...field(utf8(bundle.version)),
    ...field(utf8(bundle.entry)),
    count,
    ...files.flatMap((file) => [...field(utf8(file.path)), ...field(file.content)]),
  ]);
}

export function bundleSha256(bundle: BundleContent): string {
  return createHash('sha256').update(canonicalBundleBytes(bundle)).digest('hex');
}

/** An Ed25519 private key from PEM (PKCS#8, as `openssl genpkey -algorithm ed25519` writes). */
export function ed25519PrivateKey(pem: string | Buffer): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`);
  return key;
}

/** An Ed25519 public key from PEM (SPKI), or the public half of a private key. */
export function ed25519PublicKey(pem: string | Buffer | KeyObject): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`);
  return key;
}

export function signBundle(bundle: BundleContent, privateKey: KeyObject): SignedBundle {
  const bytes = canonicalBundleBytes(bundle);
  return {
    name: bundle.name,
    version: bundle.version,
    entry: bundle.entry,
    files: bundle.files,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    signature: sign(null, bytes, privateKey).toString('base64'),
  };
}

export type BundleRefusalCode = 'unsigned' | 'tampered' | 'bad-signature' | 'invalid' | 'downgrade' | 'conflict';

export type BundleVerdict = { readonly ok: true } | { readonly ok: false; readonly code: BundleRefusalCode; readonly reason: string };

/**
 * Whether `bundle` is what the key's holder signed: unsigned, a content that does not hash to its sha256
 * (tampered), and a signature that does not verify (tampered sha256 too, or another key) are refused.
 */
export function verifyBundle(bundle: SignedBundle, publicKey: KeyObject): BundleVerdict {
  if (bundle.signature === undefined || bundle.signature === '') {
    return { ok: false, code: 'unsigned', reason: `plugin ${bundle.name} ${bundle.version} is unsigned` };
  }
  let bytes: Buffer;
  try {
    bytes = canonicalBundleBytes(bundle);
  } catch (error) {
    return { ok: false, code: 'invalid', reason: (error as Error).message };
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== bundle.sha256) {
    return { ok: false, code: 'tampered', reason: `plugin ${bundle.name} ${bundle.version} is tampered: its content hashes to sha256 ${actual}, not ${bundle.sha256}` };
  }
  const signature = Buffer.from(bundle.signature, 'base64');
  if (signature.length !== 64 || !verify(null, bytes, publicKey, signature)) {
    return {
      ok: false,
      code: 'bad-signature',
      reason: `plugin ${bundle.name} ${bundle.version}: the signature does not verify with the trusted key (tampered, or signed by another key)`,
    };
  }
  return { ok: true };
}
