import { inject, injectable } from 'inversify';
import { TYPES } from '../../identifiers';
import { compileSilence, type CompiledSilence } from '../../notify/silence/silenced-by';
import type { SilenceStore } from '../../storage/notify-stores';

export type IndexedSilence = CompiledSilence & { readonly experimentId?: number };

/**
 * The silences that can mute an alert now or later (active and pending), compiled once: reloaded only when
 * SilenceStore.version() moves, so the dispatcher and GET alerts pay one small query per use. For
 * `silencedBy` / `muteStatus` (src/notify/silence/).
 */
@injectable()
export class SilenceIndex {
  private cached?: { readonly version: number; readonly silences: readonly IndexedSilence[] };

  constructor(@inject(TYPES.SilenceStore) private readonly store: SilenceStore) {}

  async current(nowMs: number = Date.now()): Promise<readonly IndexedSilence[]> {
    // Read the version first: a change committed in between makes the next call reload, never the reverse.
    const version = await this.store.version();
    if (this.cached?.version === version) return this.cached.silences;
    const silences = (await this.store.list({ kind: 'all' }, nowMs)).map((s) => compileSilence(s));
    this.cached = { version, silences };
    return silences;
  }
}
