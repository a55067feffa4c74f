import { inject, injectable } from 'inversify';
import type { Page } from '../../domain/page';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { AttemptStatus, ExperimentScope, NotificationAttempt, NotificationAttemptStore } from '../../storage/notify-stores';
import type { ExperimentStore } from '../../storage/stores';
import { requiredAssociation } from '../authorization';
import { afterIdFromCursor, pageById } from '../pagination';

export interface NotificationQuery {
  receiver?: string;
  status?: AttemptStatus;
  fromMs?: number;
  toMs?: number;
  limit: number;
  cursor?: string;
}

/**
 * The notification history (GET /notifications): every delivery attempt, newest first. An ADMIN sees all;
 * a SCIENTIST the attempts whose alerts belong to an experiment associated with them (an attempt of
 * alerts without an experiment is ADMIN only).
 */
@injectable()
export class NotificationQueryService {
  constructor(
    @inject(TYPES.NotificationAttemptStore) private readonly attempts: NotificationAttemptStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
  ) {}

  async list(actor: User, query: NotificationQuery): Promise<Page<NotificationAttempt>> {
    const beforeId = afterIdFromCursor(query.cursor);
    const rows = await this.attempts.list({
      scope: await this.scope(actor),
      ...(query.receiver === undefined ? {} : { receiver: query.receiver }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
      ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: query.limit + 1,
    });
    return pageById(rows, query.limit);
  }

  private async scope(actor: User): Promise<ExperimentScope> {
    const userId = requiredAssociation(actor);
    if (userId === undefined) return { kind: 'all' };
    const ids: number[] = [];
    let afterId: number | undefined;
    for (;;) {
      const page = await this.experiments.list({ limit: 500, associatedUserId: userId, ...(afterId === undefined ? {} : { afterId }) });
      ids.push(...page.map((e) => e.id));
      const last = page.at(-1);
      if (page.length < 500 || last === undefined) return { kind: 'experiments', experimentIds: ids };
      afterId = last.id;
    }
  }
}
