import type { User } from '../domain/user';
import type { ExperimentScope } from '../storage/notify-stores';
import type { ExperimentStore } from '../storage/stores';
import { requiredAssociation } from './authorization';

const PAGE = 500;

/** The experiments `actor` may read: all for an ADMIN, else those associated with them (read page by page). */
export async function experimentScopeOf(experiments: ExperimentStore, actor: User): Promise<ExperimentScope> {
  const userId = requiredAssociation(actor);
  if (userId === undefined) return { kind: 'all' };
  const ids: number[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await experiments.list({ limit: PAGE, associatedUserId: userId, ...(afterId === undefined ? {} : { afterId }) });
    ids.push(...page.map((e) => e.id));
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return { kind: 'experiments', experimentIds: ids };
    afterId = last.id;
  }
}
