import { randomUUID } from 'node:crypto';
import type { Container } from 'inversify';
import { buildContainer } from '../../src/container';
import type { Role } from '../../src/domain/role';
import type { User } from '../../src/domain/user';
import { TYPES } from '../../src/identifiers';
import type { AuditService } from '../../src/services/audit-service';
import type { MessagePublisher } from '../../src/services/contracts';
import type { ExperimentService } from '../../src/services/experiment-service';
import type { MeasureQueryService } from '../../src/services/measure-query-service';
import type { MeasureService } from '../../src/services/measure-service';
import type { RuleService } from '../../src/services/rule-service';
import type { UserService } from '../../src/services/user-service';
import type {
  AggregateReader,
  AuditStore,
  ExperimentStore,
  MeasureReader,
  MeasureStore,
  RejectedMessageStore,
  Transactor,
  UserStore,
} from '../../src/storage/stores';
import { MemoryLogger } from './amqp-fakes';
import { fakeRuleCheckers } from './fake-rule-checkers';
import { InMemoryRuleStore } from './in-memory-rule-store';
import {
  immediateCommitHooks,
  InMemoryAuditStore,
  InMemoryExperimentStore,
  InMemoryMeasureReader,
  InMemoryRejectedMessageStore,
  InMemoryUserStore,
  PassThroughTransactor,
} from './in-memory-stores';
import { testConfig } from './real-services';

/**
 * The real services, wired by the real composition root, over in-memory stores: what the services decide
 * is checked in milliseconds, with no MariaDB or RabbitMQ. Resolved by identifier, not by class, so the
 * tests follow the container whatever the implementations are called.
 */
export interface InMemoryServices {
  users: UserService;
  experiments: ExperimentService;
  measures: MeasureService;
  queries: MeasureQueryService;
  audit: AuditService;
  rules: RuleService;
  stores: {
    users: InMemoryUserStore;
    experiments: InMemoryExperimentStore;
    audit: InMemoryAuditStore;
    rejected: InMemoryRejectedMessageStore;
    reader: InMemoryMeasureReader;
    rules: InMemoryRuleStore;
  };
  /** What replays published. */
  published: Array<{ body: Buffer; messageId: string }>;
  /** A user put straight into the store, as `mymonit user create` would. */
  createUser(role: Role, label?: string): Promise<User>;
}

/** The real container with no database: transactions pass through, users, experiments and audit in memory. */
export function inMemoryContainer(stores: { users: UserStore; experiments: ExperimentStore; audit: AuditStore }): Container {
  const container = buildContainer(testConfig(), new MemoryLogger());
  container.rebindSync<Transactor>(TYPES.Database).toConstantValue(new PassThroughTransactor());
  container.rebindSync(TYPES.Transactor).toService(TYPES.Database);
  container.rebindSync(TYPES.CommitHooks).toConstantValue(immediateCommitHooks);
  container.rebindSync<UserStore>(TYPES.UserStore).toConstantValue(stores.users);
  container.rebindSync<ExperimentStore>(TYPES.ExperimentStore).toConstantValue(stores.experiments);
  container.rebindSync<AuditStore>(TYPES.AuditStore).toConstantValue(stores.audit);
  return container;
}

export function inMemoryServices(): InMemoryServices {
  const users = new InMemoryUserStore();
  const experiments = new InMemoryExperimentStore(users);
  const audit = new InMemoryAuditStore();
  const rejected = new InMemoryRejectedMessageStore();
  const reader = new InMemoryMeasureReader(experiments);
  const rules = new InMemoryRuleStore(experiments);
  const published: InMemoryServices['published'] = [];
  const publisher: MessagePublisher = {
    publish: async (body, properties) => {
      published.push({ body, messageId: properties.messageId });
    },
  };
  const absent = (): never => {
    throw new Error('these tests keep no measures');
  };
  const noMeasureStore: MeasureStore = { store: absent, prepare: absent, storePrepared: absent };
  const noAggregates: AggregateReader = { partials: async () => new Map() };

  const container = inMemoryContainer({ users, experiments, audit });
  container.rebindSync<RejectedMessageStore>(TYPES.RejectedMessageStore).toConstantValue(rejected);
  container.rebindSync<MeasureStore>(TYPES.MeasureStore).toConstantValue(noMeasureStore);
  container.rebindSync<MeasureReader>(TYPES.MeasureReader).toConstantValue(reader);
  container.rebindSync<AggregateReader>(TYPES.AggregateReader).toConstantValue(noAggregates);
  container.rebindSync<MessagePublisher>(TYPES.MessagePublisher).toConstantValue(publisher);
  container.rebindSync(TYPES.RuleGroupStore).toConstantValue(rules);
  container.rebindSync(TYPES.ExpressionChecker).toConstantValue(fakeRuleCheckers.expressions);
  container.rebindSync(TYPES.ClassifierChecker).toConstantValue(fakeRuleCheckers.classifiers);

  let created = 0;
  return {
    users: container.get<UserService>(TYPES.UserService),
    experiments: container.get<ExperimentService>(TYPES.ExperimentService),
    measures: container.get<MeasureService>(TYPES.MeasureService),
    queries: container.get<MeasureQueryService>(TYPES.MeasureQueryService),
    audit: container.get<AuditService>(TYPES.AuditService),
    rules: container.get<RuleService>(TYPES.RuleService),
    stores: { users, experiments, audit, rejected, reader, rules },
    published,
    createUser: (role, label = role.toLowerCase()) => {
      created++;
      return users.insert({
        role,
        username: `${label}-${created}`,
        userId: `U${created}`,
        name: `${label} ${created}`,
        email: `${label}-${created}@example.org`,
        pseudonym: randomUUID(),
      });
    },
  };
}
