import { inject, injectable } from 'inversify';
import type { RecordedResult } from '../../checks/ports';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { decodeCursor, encodeCursor, type Page } from '../../domain/page';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { CheckResultStore, HostCheckResult, OwnedRow } from '../../storage/check-result-stores';
import type { ExperimentStore } from '../../storage/stores';
import { requiredAssociation } from '../authorization';

/** GET /checks/{id}/results: a page, newest slot first. `fromMs` inclusive, `toMs` exclusive, on the slot. */
export interface CheckResultsQuery {
  readonly hostId?: number;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly limit: number;
  readonly cursor?: string;
}

function beforeFromCursor(cursor: string | undefined): { slotMs: number; id: number } | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor) as { slot?: unknown; id?: unknown } | undefined;
  const slot = key?.slot;
  const id = key?.id;
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new ValidationError('cursor is not one this API issued');
  }
  return { slotMs: slot, id };
}

/**
 * CheckResultService serves stored check results to the people allowed to read them: an ADMIN all, a
 * SCIENTIST those of checks and hosts of associated experiments (anything else answers not found).
 */
@injectable()
export class CheckResultService {
  constructor(
    @inject(TYPES.CheckResultStore) private readonly results: CheckResultStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
  ) {}

  async listOfCheck(actor: User, checkId: number, query: CheckResultsQuery): Promise<Page<RecordedResult>> {
    await this.visible(actor, await this.results.checkById(checkId), `check ${checkId}`);
    const before = beforeFromCursor(query.cursor);
    const rows = await this.results.list({
      checkId,
      ...(query.hostId === undefined ? {} : { hostId: query.hostId }),
      ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
      ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
      ...(before === undefined ? {} : { before }),
      limit: query.limit + 1,
    });
    if (rows.length <= query.limit) return { items: rows };
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1] as RecordedResult;
    return { items, next: encodeCursor({ slot: last.slotMs, id: last.id }) };
  }

  /** The latest result of each check on the host. */
  async latestOfHost(actor: User, hostId: number): Promise<HostCheckResult[]> {
    await this.visible(actor, await this.results.hostById(hostId), `host ${hostId}`);
    return this.results.latestOfHost(hostId);
  }

  private async visible(actor: User, row: OwnedRow | undefined, what: string): Promise<void> {
    const userId = requiredAssociation(actor);
    const allowed = row !== undefined && (userId === undefined || (await this.experiments.isAssociated(row.experimentId, userId)));
    if (!allowed) throw new NotFoundError(`${what} not found`);
  }
}
