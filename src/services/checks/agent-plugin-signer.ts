import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ed25519PrivateKey, ed25519PublicKey, signBundle, type BundleContent, type SignedBundle } from '../../../lib/agent/bundle';
import type { PluginSigner } from './agent-ports';

/**
 * The core's plugin signing key, an Ed25519 private key in PEM read once from PLUGIN_SIGNING_KEY_FILE.
 * Without a usable key nothing is generated: signing stays unavailable and says why (plugin uploads answer
 * 503 with that reason), because a key made up at start would differ per process and per restart, and
 * agents would refuse everything it signed.
 */
export class FilePluginSigner implements PluginSigner {
  readonly unavailableReason: string | undefined;
  private readonly key: KeyObject | undefined;

  constructor(file: string | undefined) {
    if (file === undefined || file === '') {
      this.unavailableReason =
        'plugin signing is not configured: set PLUGIN_SIGNING_KEY_FILE to an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519 -out plugin-signing.pem)';
      return;
    }
    try {
      this.key = ed25519PrivateKey(fs.readFileSync(file));
    } catch (error) {
      // The path is configuration, not a secret; the key's content never appears.
      this.unavailableReason = `PLUGIN_SIGNING_KEY_FILE ${file} is not a usable Ed25519 private key: ${(error as Error).message.split('\n')[0]}`;
    }
  }

  static fromEnvironment(env: NodeJS.ProcessEnv): FilePluginSigner {
    return new FilePluginSigner(env.PLUGIN_SIGNING_KEY_FILE);
  }

  sign(content: BundleContent): SignedBundle {
    if (!this.key) throw new Error(this.unavailableReason);
    return signBundle(content, this.key);
  }

  publicKeyPem(): string {
    if (!this.key) throw new Error(this.unavailableReason);
    return ed25519PublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
  }
}
