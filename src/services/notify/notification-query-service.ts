import { inject, injectable } from 'inversify';
import type { Page } from '../../domain/page';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { AttemptStatus, NotificationAttempt, NotificationAttemptStore } from '../../storage/notify-stores';
import type { ExperimentStore } from '../../storage/stores';
import { afterIdFromCursor, pageById } from '../pagination';
import { experimentScopeOf } from '../experiment-scope';

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
      scope: await experimentScopeOf(this.experiments, actor),
      ...(query.receiver === undefined ? {} : { receiver: query.receiver }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
      ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: query.limit + 1,
    });
    return pageById(rows, query.limit);
  }

}
