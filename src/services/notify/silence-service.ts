import { inject, injectable } from 'inversify';
import { ForbiddenError, NotFoundError } from '../../domain/errors';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { Matcher } from '../../notify/matchers';
import { silenceMatchesFilter, sortSilences } from '../../notify/silence/query';
import type { SilenceInput } from '../../notify/silence/set';
import type { Silence } from '../../notify/silence/silence';
import { validateMatchers, validateTimes } from '../../notify/silence/validate';
import type { ExperimentScope, SilenceStore } from '../../storage/notify-stores';
import type { ExperimentStore, Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';

/** Silences stay listed this long after they end, then are deleted: Alertmanager's --data.retention default (120 h). */
export const SILENCE_RETENTION_MS = 120 * 3_600_000;

export type ScopedSilence = Silence & { readonly experimentId?: number };

/** What a silence is refused with when the caller may not see it: Alertmanager's own 404 text. */
function silenceNotFound(): NotFoundError {
  return new NotFoundError('silence not found');
}

/** The experiment codes a silence names by equality (`experiment="CODE"`), in matcher order, once each. */
export function experimentCodes(input: Pick<Silence, 'matchers'>): string[] {
  return [...new Set(input.matchers.filter((m) => m.name === 'experiment' && m.type === '=').map((m) => m.value))];
}

/**
 * SilenceService: Alertmanager's silence operations (API v2) with MyMONIT's authorization. A silence
 * belongs to the experiment of its `experiment="CODE"` equality matcher (none, or an unknown code: ADMIN
 * only). An ADMIN sees and changes every silence. A SCIENTIST sees the silences of the experiments associated
 * with them (any other answers "silence not found", as a missing one), and may create, replace and expire
 * only silences whose every `experiment="CODE"` matcher names an associated experiment; a silence with no
 * such matcher would mute other experiments' alerts, so it is forbidden (403).
 * Every change is audited, by id only: `createdBy` and `comment` are free text and may hold personal data.
 */
@injectable()
export class SilenceService {
  constructor(
    @inject(TYPES.SilenceStore) private readonly silences: SilenceStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /** The clock; tests of the service replace it. */
  now(): number {
    return Date.now();
  }

  /** Which experiments' silences (and alerts) the actor sees. */
  async scopeOf(actor: User): Promise<ExperimentScope> {
    if (actor.isAdmin) return { kind: 'all' };
    const ids: number[] = [];
    let afterId = 0;
    for (;;) {
      const page = await this.experiments.list({ afterId, limit: 500, associatedUserId: actor.id });
      ids.push(...page.map((e) => e.id));
      const last = page.at(-1);
      if (page.length < 500 || last === undefined) break;
      afterId = last.id;
    }
    return { kind: 'experiments', experimentIds: ids };
  }

  /** GET /silences: every silence in scope (expired ones until their retention ends) matching `filters`, in Alertmanager's order. */
  async list(actor: User, filters: readonly Matcher[]): Promise<{ silences: ScopedSilence[]; nowMs: number }> {
    const nowMs = this.now();
    const all = await this.silences.list(await this.scopeOf(actor), nowMs - SILENCE_RETENTION_MS);
    return { silences: sortSilences(all.filter((s) => silenceMatchesFilter(s, filters)), nowMs), nowMs };
  }

  async get(actor: User, id: string): Promise<{ silence: ScopedSilence; nowMs: number }> {
    const silence = await this.visible(actor, id);
    return { silence, nowMs: this.now() };
  }

  /**
   * POST /silences: creates, updates or replaces (Alertmanager's Set), in Alertmanager's order of checks:
   * times, the silence the id names, the matchers; then MyMONIT's experiment rule. Returns the silence id.
   */
  async post(actor: User, posted: Omit<SilenceInput, 'untilResolved'> & { readonly untilResolved?: boolean }): Promise<string> {
    const nowMs = this.now();
    validateTimes(posted.startsAtMs, posted.endsAtMs, nowMs);
    const previous = posted.id === undefined ? undefined : await this.visible(actor, posted.id);
    // Absent (amtool knows nothing of it): false for a new silence, kept by an update or replacement.
    const input: SilenceInput = { ...posted, untilResolved: posted.untilResolved ?? previous?.untilResolved ?? false };
    validateMatchers(input.matchers);
    const experimentId = await this.experimentOf(actor, input);
    return this.tx.inTransaction(async () => {
      const id = await this.silences.save(input, experimentId, nowMs);
      const action = previous === undefined ? 'silence.create' : id === previous.id ? 'silence.update' : 'silence.replace';
      await this.audit.record({
        action,
        resourceType: 'silence',
        resourceId: id,
        outcome: 'success',
        detail: { experimentId: experimentId ?? null, replaces: previous !== undefined && previous.id !== id ? previous.id : null, untilResolved: input.untilResolved },
      });
      return id;
    });
  }

  /** DELETE /silence/{id}: expires it; an already expired silence is left as it is (200, as Alertmanager 0.25). */
  async expire(actor: User, id: string): Promise<void> {
    await this.visible(actor, id);
    await this.tx.inTransaction(async () => {
      if (await this.silences.expire(id, this.now())) {
        await this.audit.record({ action: 'silence.expire', resourceType: 'silence', resourceId: id, outcome: 'success' });
      }
    });
  }

  private async visible(actor: User, id: string): Promise<ScopedSilence> {
    const silence = await this.silences.get(id);
    if (silence === undefined) throw silenceNotFound();
    if (actor.isAdmin) return silence;
    if (silence.experimentId === undefined || !(await this.experiments.isAssociated(silence.experimentId, actor.id))) throw silenceNotFound();
    return silence;
  }

  /** The silence's experiment (the first `experiment="CODE"` that exists); a SCIENTIST must be associated with every one named. */
  private async experimentOf(actor: User, input: SilenceInput): Promise<number | undefined> {
    const codes = experimentCodes(input);
    if (!actor.isAdmin && codes.length === 0) {
      throw new ForbiddenError('a SCIENTIST\'s silence needs an equality matcher experiment="CODE" naming an experiment associated with them');
    }
    const ids = await this.experiments.idsByCode(codes);
    if (!actor.isAdmin) {
      for (const code of codes) {
        const id = ids.get(code);
        if (id === undefined || !(await this.experiments.isAssociated(id, actor.id))) throw new NotFoundError(`experiment ${code} not found`);
      }
    }
    for (const code of codes) {
      const id = ids.get(code);
      if (id !== undefined) return id;
    }
    return undefined;
  }
}
