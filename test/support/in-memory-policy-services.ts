import { randomUUID } from 'node:crypto';
import type { AlertTransition } from '../../src/alerting/state/alert-state';
import type { Role } from '../../src/domain/role';
import type { User } from '../../src/domain/user';
import { TYPES } from '../../src/identifiers';
import type { PolicyService } from '../../src/services/policies/policy-service';
import type { PolicyWindowQuery, PolicyWindowReader } from '../../src/services/policies/ports';
import type { AlertStateStore } from '../../src/storage/alerting-stores';
import { inMemoryContainer } from './in-memory-services';
import { InMemoryPolicyStore } from './in-memory-policy-store';
import { InMemoryAuditStore, InMemoryExperimentStore, InMemoryUserStore } from './in-memory-stores';

/** The real PolicyService and ingest, wired by the real container, over in-memory stores. */
export interface InMemoryPolicyServices {
  policies: PolicyService;
  stores: { users: InMemoryUserStore; experiments: InMemoryExperimentStore; audit: InMemoryAuditStore; policies: InMemoryPolicyStore };
  /** What the ingest and delete appended to the alert history. */
  transitions: AlertTransition[];
  /** What the window reader was asked. */
  windowQueries: PolicyWindowQuery[];
  createUser(role: Role, label?: string): Promise<User>;
}

export function inMemoryPolicyServices(): InMemoryPolicyServices {
  const users = new InMemoryUserStore();
  const experiments = new InMemoryExperimentStore(users);
  const audit = new InMemoryAuditStore();
  const policies = new InMemoryPolicyStore(experiments);
  const transitions: AlertTransition[] = [];
  const windowQueries: PolicyWindowQuery[] = [];
  const alerts = {
    appendTransitions: async (_group: number, _experiment: number, _fencing: number, appended: readonly AlertTransition[]) => {
      transitions.push(...appended);
      return appended.map((_, i) => transitions.length - appended.length + i + 1);
    },
  } as unknown as AlertStateStore;
  const reader: PolicyWindowReader = {
    read: async (query) => {
      windowQueries.push(query);
      const points = (policies.timePoints.get(query.policyId) ?? []).filter((p) => p.tp < query.untilTp);
      const events = points.reduce((n, p) => n + p.events.length, 0);
      return { timePoints: points, replayedEvents: events, storedEvents: events };
    },
  };
  const container = inMemoryContainer({ users, experiments, audit });
  container.rebindSync(TYPES.PolicyStore).toConstantValue(policies);
  container.rebindSync(TYPES.AlertStateStore).toConstantValue(alerts);
  container.rebindSync<PolicyWindowReader>(TYPES.PolicyWindowReader).toConstantValue(reader);
  let created = 0;
  return {
    policies: container.get<PolicyService>(TYPES.PolicyService),
    stores: { users, experiments, audit, policies },
    transitions,
    windowQueries,
    createUser: (role, label = role.toLowerCase()) => {
      created++;
      return users.insert({ role, username: `${label}-${created}`, userId: `U${created}`, name: `${label} ${created}`, email: `${label}-${created}@example.org`, pseudonym: randomUUID() });
    },
  };
}
