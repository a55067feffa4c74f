import { Inhibitor } from '../../../../src/notify/inhibit/inhibit';
import { muteStatus } from '../../../../src/notify/silence/mute-status';
import type { Silence } from '../../../../src/notify/silence/silence';
import { compileMatcher } from '../../../../src/notify/silence/matchers';
import { SilenceIndex } from '../../../../src/services/notify/silence-index';
import type { ExperimentScope, SilenceStore } from '../../../../src/storage/notify-stores';

const NOW = 1_800_000_000_000;

class FakeSilences implements SilenceStore {
  silences: Silence[] = [];
  ver = 1;
  lists = 0;
  async save(): Promise<string> {
    throw new Error('not used');
  }
  async get(id: string): Promise<Silence | undefined> {
    return this.silences.find((s) => s.id === id);
  }
  async list(_scope: ExperimentScope, expiredSinceMs: number): Promise<Silence[]> {
    this.lists += 1;
    return this.silences.filter((s) => s.endsAtMs >= expiredSinceMs);
  }
  async expire(): Promise<boolean> {
    return false;
  }
  async version(): Promise<number> {
    return this.ver;
  }
}

const silence = (id: string, value: string): Silence => ({
  id,
  matchers: [{ name: 'job', type: '=', value }],
  startsAtMs: NOW - 1000,
  endsAtMs: NOW + 60_000,
  updatedAtMs: NOW - 1000,
  createdBy: 'me',
  comment: '',
  untilResolved: false,
});

describe('SilenceIndex', () => {
  it('compiles once per version', async () => {
    const store = new FakeSilences();
    store.silences = [silence('a', 'api')];
    const index = new SilenceIndex(store);
    const first = await index.current(NOW);
    expect(await index.current(NOW)).toBe(first);
    expect(store.lists).toBe(1);
    store.silences.push(silence('b', 'db'));
    store.ver = 2;
    expect((await index.current(NOW)).map((s) => s.id)).toEqual(['a', 'b']);
    expect(store.lists).toBe(2);
  });
});

describe('muteStatus', () => {
  it('suppressed by silences and inhibition, active otherwise', async () => {
    const store = new FakeSilences();
    store.silences = [silence('s1', 'api')];
    const silences = await new SilenceIndex(store).current(NOW);
    const labels = new Map([['job', 'api']]);
    expect(muteStatus(labels, silences, undefined, NOW)).toEqual({ state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] });
    expect(muteStatus(new Map([['job', 'web']]), silences, undefined, NOW)).toEqual({ state: 'active', silencedBy: [], inhibitedBy: [] });
    const source = { fingerprint: 'f00', labels: new Map([['sev', 'crit']]), annotations: new Map(), startsAtMs: NOW - 1, endsAtMs: NOW + 1000, endsAtGiven: false, updatedAtMs: NOW, generatorURL: '', origin: 'api' as const };
    const inhibitor = new Inhibitor([{ sourceMatchers: [compileMatcher({ name: 'sev', type: '=', value: 'crit' })], targetMatchers: [compileMatcher({ name: 'job', type: '=', value: 'web' })], equal: [] }], [source], NOW);
    expect(muteStatus(new Map([['job', 'web']]), silences, inhibitor, NOW)).toEqual({ state: 'suppressed', silencedBy: [], inhibitedBy: ['f00'] });
  });
});
