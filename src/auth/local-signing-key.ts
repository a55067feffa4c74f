import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config';

/** HS256 wants at least as many key bytes as the hash output (RFC 7518 §3.2): 32. */
export const MIN_LOCAL_KEY_BYTES = 32;

/**
 * Resolves the AUTH_MODE=local HS256 key: AUTH_LOCAL_KEY when set, else the key file, generated (32 random
 * bytes, base64url, mode 0600) on first use so that a fresh machine runs without any set-up. The key is the
 * UTF-8 bytes of the text either way, so a key moved from the file to the variable keeps signing the same.
 * loadConfig made a relative AUTH_LOCAL_KEY_FILE absolute (against the project root).
 */
export function loadLocalSigningKey(local: Config['auth']['local']): Uint8Array {
  if (local.key !== undefined) {
    if (Buffer.byteLength(local.key) < MIN_LOCAL_KEY_BYTES) {
      throw new ConfigError(`AUTH_LOCAL_KEY: at least ${MIN_LOCAL_KEY_BYTES} bytes`);
    }
    return new TextEncoder().encode(local.key);
  }
  const file = path.resolve(local.keyFile);
  const text = readKeyFile(file) ?? createKeyFile(file);
  if (Buffer.byteLength(text) < MIN_LOCAL_KEY_BYTES) {
    throw new ConfigError(
      `AUTH_LOCAL_KEY_FILE: ${file} holds fewer than ${MIN_LOCAL_KEY_BYTES} bytes of key; ` +
        'delete it to have a new key generated, or write a longer one',
    );
  }
  return new TextEncoder().encode(text);
}

/** The key text, trimmed because a hand-edited file usually ends with a newline; undefined when absent. */
function readKeyFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function createKeyFile(file: string): string {
  const key = randomBytes(MIN_LOCAL_KEY_BYTES).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if another process (the CLI and the server starting together) created it meanwhile.
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8').trim();
  }
}
