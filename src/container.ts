import 'reflect-metadata';
import { Container } from 'inversify';
import { AmqplibRabbitConnector } from './amqp/rabbit-connector';
import { MeasureMessageParser } from './amqp/measure-message-parser';
import { MessageProcessor } from './amqp/message-processor';
import { RabbitListener } from './amqp/rabbit-listener';
import { PolicyEventListener } from './amqp/policy-event-listener';
import { PolicyEventProcessor } from './amqp/policy-event-processor';
import { RabbitReplayPublisher } from './amqp/rabbit-publisher';
import { RabbitEventPublisher } from './amqp/rabbit-event-publisher';
import { FirebaseTokenVerifier } from './auth/firebase-token-verifier';
import { LocalTokenIssuer } from './auth/local-token-issuer';
import { LocalTokenVerifier } from './auth/local-token-verifier';
import { OidcTokenVerifier } from './auth/oidc-token-verifier';
import type { TokenVerifier } from './auth/token-verifier';
import type { PromqlEngine } from './alerting/promql/engine-api';
import type { Classify } from './alerting/classify/classify';
import { SandboxedClassifier, validateLuaClassifier } from './alerting/classify/sandboxed-classifier';
import { QueryEngine } from './services/promql/query-engine';
import type { Config } from './config';
import { buildInfo } from './metrics/build-info';
import { TYPES } from './identifiers';
import type { Logger } from './logging/logger';
import { createWinstonLogger, shippingOf } from './logging/winston-logger';
import { IngestMetrics } from './metrics/ingest-metrics';
import { LogMetrics } from './metrics/log-metrics';
import { MetricsRegistry } from './metrics/metrics-registry';
import { MetricsServer } from './metrics/metrics-server';
import { RestMetrics } from './metrics/rest-metrics';
import { RuleMetrics } from './metrics/rule-metrics';
import { TicketMetrics } from './metrics/ticket-metrics';
import { DispatchMetrics } from './metrics/dispatch-metrics';
import { NotifyMetrics } from './metrics/notify-metrics';
import { AmqpIntegration } from './notify/receivers/amqp';
import { EmailIntegration } from './notify/receivers/email';
import type { EventPublisher, TicketSink } from './notify/receivers/receiver';
import { TicketIntegration } from './notify/receivers/ticket';
import { WebhookIntegration } from './notify/receivers/webhook';
import { notificationsResource } from './rest/resources/notifications';
import { type DeliveryOptions, type IntegrationSet, NotificationDelivery } from './services/notify/delivery-service';
import { NotificationQueryService } from './services/notify/notification-query-service';
import { TicketEventStream } from './services/notify/ticket-event-stream';
import { MysqlNotificationAttemptStore } from './storage/mysql-notification-attempt-store';
import { RestListener } from './rest/rest-listener';
import type { RestResource } from './rest/rest-resource';
import { alertsResource } from './rest/resources/alerts';
import type { ClassifierChecker, ExpressionChecker } from './alerting/rules/checkers';
import { auditResource } from './rest/resources/audit';
import { prometheusResource } from './rest/resources/prometheus';
import { experimentsResource } from './rest/resources/experiments';
import { measuresResource } from './rest/resources/measures';
import { prometheusRulesResource } from './rest/resources/prometheus-rules';
import { rejectedMessagesResource } from './rest/resources/rejected-messages';
import { rulesResource } from './rest/resources/rules';
import { ruleTestsResource } from './rest/resources/rule-tests';
import { rulesYamlResource } from './rest/resources/rules-yaml';
import { usersResource } from './rest/resources/users';
import { alertmanagerSilencesResource } from './rest/resources/alertmanager-silences';
import type { Component } from './component';
import { AlertQueryService } from './services/alert-query-service';
import { AuditService } from './services/audit-service';
import { AuditTrail } from './services/audit-trail';
import type { HealthCheck } from './services/contracts';
import { ExperimentService } from './services/experiment-service';
import { ExperimentVisibility } from './services/authorization';
import { Maintenance } from './services/maintenance';
import { MeasureQueryService } from './services/measure-query-service';
import { MeasureService } from './services/measure-service';
import { PrometheusApiService } from './services/prometheus-api-service';
import { RetentionJob } from './services/retention-job';
import { RollupJob } from './services/rollup-job';
import { RuleEvaluator } from './services/rule-evaluator';
import { RuleService } from './services/rule-service';
import { RuleTestService } from './services/rule-test-service';
import { UserService } from './services/user-service';
import { SilenceMaintenance } from './services/notify/silence-maintenance';
import { SilenceIndex } from './services/notify/silence-index';
import { SilenceService } from './services/notify/silence-service';
import { SilencingAlertMuter, type AlertMuter } from './services/notify/alert-muter';
import { Dispatcher } from './services/notify/dispatcher';
import type { NotifyConfigProvider } from './services/notify/ports';
import type { NotifyAlertStore } from './storage/notify-stores';
import { MysqlNotificationLogStore, MysqlNotifyGroupStore } from './storage/mysql-notify-dispatch-store';
import { TicketService } from './services/ticket-service';
import { MysqlAlertStateStore } from './storage/mysql-alert-state-store';
import { MysqlAlertOutboxStore } from './storage/mysql-alert-outbox-store';
import { MysqlNotifyAlertStore } from './storage/mysql-notify-alert-store';
import { OutboxReader } from './services/notify/outbox-reader';
import { AlertmanagerApiService } from './services/notify/alertmanager-api-service';
import { alertmanagerAlertsResource } from './rest/resources/alertmanager-alerts';
import { MysqlAuditStore } from './storage/mysql-audit-store';
import { MysqlDatabase } from './storage/mysql-database';
import { MysqlPolicyWindowReader } from './storage/mysql-policy-window-reader';
import { MysqlExperimentStore } from './storage/mysql-experiment-store';
import { MysqlAggregateReader } from './storage/mysql-aggregate-reader';
import { MysqlMeasureReader } from './storage/mysql-measure-reader';
import { MysqlMeasureStore } from './storage/mysql-measure-store';
import { MysqlRejectedMessageStore } from './storage/mysql-rejected-message-store';
import { MysqlRetentionStore } from './storage/mysql-retention-store';
import { MysqlRollupMaintainer } from './storage/mysql-rollup-maintainer';
import { MysqlSeriesSource } from './storage/mysql-series-source';
import { MysqlRuleGroupLeaseStore } from './storage/mysql-rule-group-lease-store';
import { MysqlRuleStore } from './storage/mysql-rule-store';
import { MysqlAlertmanagerConfigStore } from './storage/mysql-alertmanager-config-store';
import { AlertmanagerConfigService } from './services/notify/alertmanager-config-service';
import { alertmanagerConfigResource } from './rest/resources/alertmanager-config';
import { MysqlUserStore } from './storage/mysql-user-store';
import { MysqlSilenceStore } from './storage/mysql-silence-store';
import { MysqlTicketStore } from './storage/mysql-ticket-store';
import type { TicketEventListener } from './tickets/events';
import { TicketEventRelay } from './services/notify/ticket-event-relay';
import { ticketsResource } from './rest/resources/tickets';
import { PostgratorMigrator } from './storage/postgrator-migrator';
// Checks model (issue 14)
import { ChecksModelService } from './services/checks/checks-model-service';
import { MysqlChecksModelStore } from './storage/mysql-checks-model-store';
import { checksResource } from './rest/resources/checks';
import { policiesResource } from './rest/resources/policies';
import { PolicyEventIngestService } from './services/policies/policy-event-ingest';
import { PolicyService } from './services/policies/policy-service';
import { MysqlPolicyStore } from './storage/mysql-policy-store';
import { hostGroupsResource } from './rest/resources/host-groups';
import { hostsResource } from './rest/resources/hosts';
import { schedulesResource } from './rest/resources/schedules';
import { servicesResource } from './rest/resources/services';
import { MysqlCheckResultStore } from './storage/mysql-check-result-store';
import { ResultRecorder } from './services/checks/result-recorder';
import { CheckResultService } from './services/checks/check-result-service';
import { checkResultsResource } from './rest/resources/check-results';
// P6 health (issue 14)
import { MysqlHealthStore } from './storage/mysql-health-store';
import { HealthService } from './services/health/health-service';
import { HealthMonitor } from './services/health/health-monitor';
import { healthReportResource } from './rest/resources/health-report';
import { BuiltinCheckExecutor } from './checks/builtin/builtin-executor';
// ---- P4 agents (issue 14) ----
import { AgentClient } from '../lib/agent/core-client';
import { agentsResource } from './rest/resources/agents';
import { pluginsResource } from './rest/resources/plugins';
import { AgentExecutor } from './services/checks/agent-executor';
import { AGENT_CHANNEL } from './services/checks/agent-ports';
import { FilePluginSigner } from './services/checks/agent-plugin-signer';
import { AgentService } from './services/checks/agent-service';
import { MysqlAgentStore } from './storage/mysql-agent-store';
import { CheckSchedulerMetrics } from './metrics/check-scheduler-metrics';
import { MysqlScheduleStore } from './storage/mysql-schedule-store';
import { CheckScheduler, type CheckSchedulerOptions } from './services/checks/check-scheduler';

const VERIFIERS: Record<Config['auth']['mode'], new (...args: never[]) => TokenVerifier> = {
  local: LocalTokenVerifier,
  oidc: OidcTokenVerifier,
  firebase: FirebaseTokenVerifier,
};

/**
 * The composition root: the only place that knows concrete classes. Everything is a singleton, so the
 * REST listener and the AMQP consumer of one process share one pool, one logger and one set of services.
 */
export function buildContainer(config: Config, logger: Logger = createWinstonLogger(config)): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<Config>(TYPES.Config).toConstantValue(config);
  container.bind<Logger>(TYPES.Logger).toConstantValue(logger);

  container.bind(MetricsRegistry).toSelf();
  container.bind(RestMetrics).toSelf();
  container.bind(TYPES.LogShipping).toConstantValue(shippingOf(logger));
  container.bind(LogMetrics).toSelf();
  container.bind(IngestMetrics).toSelf();
  container.bind(RuleMetrics).toSelf();
  container.bind(TicketMetrics).toSelf();
  container.bind(DispatchMetrics).toSelf();
  container.bind(MetricsServer).toSelf();

  container.bind(TYPES.Database).to(MysqlDatabase);
  container.bind(TYPES.Transactor).toService(TYPES.Database);
  container.bind(TYPES.CommitHooks).toService(TYPES.Database);
  container.bind(TYPES.Migrator).to(PostgratorMigrator);
  container.bind(TYPES.UserStore).to(MysqlUserStore);
  container.bind(TYPES.ExperimentStore).to(MysqlExperimentStore);
  container.bind(TYPES.MeasureStore).to(MysqlMeasureStore);
  container.bind(TYPES.MeasureReader).to(MysqlMeasureReader);
  container.bind(TYPES.AggregateReader).to(MysqlAggregateReader);
  container.bind(TYPES.RollupMaintainer).to(MysqlRollupMaintainer);
  container.bind(TYPES.RetentionStore).to(MysqlRetentionStore);
  container.bind(TYPES.RejectedMessageStore).to(MysqlRejectedMessageStore);
  container.bind(TYPES.AuditStore).to(MysqlAuditStore);
  container.bind(MysqlSeriesSource).toSelf();
  container.bind(TYPES.SeriesSourceFactory).toService(MysqlSeriesSource);
  container.bind(TYPES.SeriesCatalog).toService(MysqlSeriesSource);
  container.bind<PromqlEngine>(TYPES.PromqlEngine).toConstantValue(new QueryEngine());
  // One Lua worker per process, started on the first Lua classification.
  container.bind<Classify>(TYPES.Classify).toConstantValue(new SandboxedClassifier());
  container.bind(TYPES.RuleGroupLeaseStore).to(MysqlRuleGroupLeaseStore);
  container.bind(TYPES.AlertStateStore).to(MysqlAlertStateStore);
  container.bind(TYPES.RuleGroupStore).to(MysqlRuleStore);
  container.bind(TYPES.RuleGroupReader).toService(TYPES.RuleGroupStore);
  container.bind(TYPES.AlertmanagerConfigStore).to(MysqlAlertmanagerConfigStore);
  container.bind(MysqlSilenceStore).toSelf();
  container.bind(TYPES.SilenceStore).toService(MysqlSilenceStore);
  container.bind(TYPES.SilenceMaintenanceStore).toService(MysqlSilenceStore);

  container.bind(TYPES.AuditTrail).to(AuditTrail);
  container.bind(TYPES.AuditService).to(AuditService);
  container.bind(ExperimentVisibility).toSelf();
  container.bind(TYPES.UserService).to(UserService);
  container.bind(TYPES.ExperimentService).to(ExperimentService);
  container.bind(TYPES.MeasureService).to(MeasureService);
  container.bind(TYPES.MeasureQueryService).to(MeasureQueryService);
  container.bind(TYPES.PrometheusApiService).to(PrometheusApiService);
  container.bind(TYPES.RuleService).to(RuleService);
  container.bind(TYPES.RuleTestService).to(RuleTestService);
  container.bind<ExpressionChecker>(TYPES.ExpressionChecker).toService(TYPES.PromqlEngine);
  container.bind<ClassifierChecker>(TYPES.ClassifierChecker).toConstantValue({ checkLua: validateLuaClassifier });
  container.bind(RollupJob).toSelf();
  container.bind(RetentionJob).toSelf();
  container.bind(Maintenance).toSelf();
  // The evaluator needs TYPES.PromqlEngine, TYPES.SeriesSourceFactory and TYPES.RuleGroupReader (and
  // TYPES.Classify for classifiers); without them it logs that it is not wired and evaluates nothing.
  container.bind(TYPES.RuleEvaluator).to(RuleEvaluator);
  container.bind(TYPES.CommittedMeasuresListener).toService(TYPES.RuleEvaluator);
  container.bind(TYPES.AlertQueryService).to(AlertQueryService);
  container.bind(AlertmanagerConfigService).toSelf();
  container.bind(TYPES.NotifyConfigProvider).toService(AlertmanagerConfigService);
  container.bind(TYPES.SilenceService).to(SilenceService);
  container.bind(SilenceIndex).toSelf();
  container.bind(SilenceMaintenance).toSelf();
  container.bind(TYPES.NotifyAlertStore).to(MysqlNotifyAlertStore);
  container.bind(TYPES.AlertOutboxStore).to(MysqlAlertOutboxStore);
  container.bind(TYPES.OutboxReader).to(OutboxReader);
  container.bind(TYPES.AlertmanagerApiService).to(AlertmanagerApiService);
  // The notification dispatcher (issue 13) needs TYPES.NotifyAlertStore, TYPES.NotifyConfigProvider and
  // TYPES.DeliveryService; without them it logs that it is not wired and dispatches nothing.
  container.bind(TYPES.NotifyGroupStore).to(MysqlNotifyGroupStore);
  container.bind(TYPES.NotificationLogStore).to(MysqlNotificationLogStore);
  container
    .bind<AlertMuter>(TYPES.AlertMuter)
    .toResolvedValue(
      (config: NotifyConfigProvider, silences: SilenceIndex, alerts: NotifyAlertStore): AlertMuter => new SilencingAlertMuter(config, silences, alerts),
      [TYPES.NotifyConfigProvider, SilenceIndex, TYPES.NotifyAlertStore],
    );
  container.bind(TYPES.Dispatcher).to(Dispatcher);
  container.bind(TYPES.TicketStore).to(MysqlTicketStore);
  container.bind(TYPES.TicketService).to(TicketService);
  // The ticket integration (src/notify/receivers/ticket.ts) writes through this port.
  container.bind(TYPES.TicketSink).toService(TYPES.TicketService);
  // Ticket events go to the AMQP streams of the receiver that made the ticket.
  container.bind<TicketEventListener>(TYPES.TicketEventListener).to(TicketEventRelay);
  bindReceivers(container);
  // Issue 14, P5 results: the recorder (fenced by TYPES.SlotFence when the scheduler binds it; tells every
  // TYPES.CommittedMeasuresListener and TYPES.CheckResultListener after its commit) and the results API.
  container.bind(TYPES.CheckResultStore).to(MysqlCheckResultStore);
  container.bind(TYPES.CheckResultRecorder).to(ResultRecorder);
  container.bind(TYPES.CheckResultService).to(CheckResultService);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((results: CheckResultService) => ({ stage: 'contract', router: checkResultsResource(results) }), [TYPES.CheckResultService]);

  container.bind(TYPES.TokenVerifier).to(VERIFIERS[config.auth.mode]);
  container.bind(TYPES.TokenIssuer).to(LocalTokenIssuer);

  container.bind(TYPES.MeasureMessageParser).to(MeasureMessageParser);
  container.bind(TYPES.MessageProcessor).to(MessageProcessor);
  container.bind(TYPES.RabbitConnector).to(AmqplibRabbitConnector);
  container.bind(TYPES.RabbitListener).to(RabbitListener);
  // Issue 15: the policy events queue, ingested through TYPES.PolicyEventIngest.
  container.bind(TYPES.PolicyEventProcessor).to(PolicyEventProcessor);
  container.bind(TYPES.PolicyEventListener).to(PolicyEventListener);
  container.bind(TYPES.MessagePublisher).to(RabbitReplayPublisher);
  container.bind(TYPES.RestListener).to(RestListener);
  bindRestResources(container, config);
  bindChecksModel(container);
  bindPolicies(container);
  bindComponents(container);
  bindHealth(container);

  // Built-in checks (issue 14): http, tcp, dns, tls, probe run by the core. Multi-bound: other executors
  // (agents) bind TYPES.CheckExecutor too; BUILTIN_EXECUTOR_OPTIONS (extra trusted CAs, body limit) is optional.
  container.bind(TYPES.CheckExecutor).to(BuiltinCheckExecutor);
  bindAgents(container, config);

  // ---- Check scheduler (issue 14) ----
  // Starts only where a TYPES.CheckResultRecorder is bound; jobs of a kind without a TYPES.CheckExecutor are recorded as errors.
  container.bind(CheckSchedulerMetrics).toSelf();
  container.bind(MysqlScheduleStore).toSelf();
  container.bind(TYPES.ScheduleStore).toService(MysqlScheduleStore);
  container.bind(TYPES.SlotFence).toService(MysqlScheduleStore);
  container.bind<Partial<CheckSchedulerOptions>>(TYPES.CheckSchedulerOptions).toConstantValue(config.checkScheduler);
  container.bind(TYPES.CheckScheduler).to(CheckScheduler);
  container.bind<Component>(TYPES.Component).toService(TYPES.CheckScheduler);

  container
    .bind<HealthCheck[]>(TYPES.HealthChecks)
    .toResolvedValue(
      (database: MysqlDatabase, rabbit: RabbitListener): HealthCheck[] => [
        { name: 'mysql', check: () => database.ping() },
        rabbit.healthCheck(),
      ],
      [TYPES.Database, TYPES.RabbitListener],
    );
  return container;
}

/**
 * P4 agents (issue 14): the plugin registry and signer (PLUGIN_SIGNING_KEY_FILE; uploads answer 503 without
 * it), the agents registry fed by announcements, the broker client to agents, and the executor of plugin
 * and mesh checks (multi-bound under TYPES.CheckExecutor beside the built-in one).
 */
function bindAgents(container: Container, config: Config): void {
  container.bind(TYPES.AgentStore).to(MysqlAgentStore);
  container.bind(TYPES.PluginSigner).toConstantValue(FilePluginSigner.fromEnvironment(process.env));
  container.bind(TYPES.AgentService).to(AgentService);
  container.bind(AGENT_CHANNEL).toResolvedValue(
    (logger: Logger, agents: AgentService) =>
      new AgentClient({
        url: config.rabbit.url,
        exchange: config.rabbit.exchange,
        connectionName: `mymonit agents ${process.pid}`,
        logger: logger.child({ component: 'agents' }),
        onAnnounce: (announce) => agents.recordAnnouncement(announce),
      }),
    [TYPES.Logger, TYPES.AgentService],
  );
  container.bind(TYPES.CheckExecutor).to(AgentExecutor);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((agents: AgentService): RestResource => ({ stage: 'contract', router: pluginsResource(agents) }), [TYPES.AgentService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((agents: AgentService): RestResource => ({ stage: 'contract', router: agentsResource(agents) }), [TYPES.AgentService]);
  // Where checks run (the scheduler's role). Not awaited: a broker that is down must not hold up start-up.
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (client: AgentClient): Component => ({
      name: 'agents',
      runsIn: 'consume',
      start: async () => {
        void client.start();
      },
      stop: () => client.stop(),
    }),
    [AGENT_CHANNEL],
  );
}

/**
 * The notification receivers (issue 13): one integration of each kind, the delivery service (retries,
 * attempts stored and counted), the attempt history. The ticket integration writes through TYPES.TicketSink
 * (the ticket service) when one is bound.
 */
function bindReceivers(container: Container): void {
  container.bind(NotifyMetrics).toSelf();
  container.bind(TYPES.NotificationAttemptStore).to(MysqlNotificationAttemptStore);
  container.bind(RabbitEventPublisher).toSelf();
  container.bind(TYPES.EventPublisher).toService(RabbitEventPublisher);
  container.bind<IntegrationSet>(TYPES.NotifyIntegrations).toResolvedValue(
    (publisher: EventPublisher, tickets: TicketSink | undefined): IntegrationSet => ({
      webhook: new WebhookIntegration(),
      email: new EmailIntegration(),
      amqp: new AmqpIntegration(publisher),
      ticket: new TicketIntegration(tickets),
    }),
    [TYPES.EventPublisher, { serviceIdentifier: TYPES.TicketSink, optional: true }],
  );
  container.bind<Partial<DeliveryOptions>>(TYPES.DeliveryOptions).toConstantValue({});
  container.bind(TYPES.DeliveryService).to(NotificationDelivery);
  container.bind(TYPES.NotificationQueryService).to(NotificationQueryService);
  container.bind(TicketEventStream).toSelf();
}

/** The REST API's resources, mounted in this order (see RestResource for the stages). */
function bindRestResources(container: Container, config: Config): void {
  const resource = (router: RestResource['router'], stage: RestResource['stage'] = 'contract'): RestResource => ({ stage, router });
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((users: UserService) => resource(usersResource(users)), [TYPES.UserService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((experiments: ExperimentService) => resource(experimentsResource(experiments)), [TYPES.ExperimentService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue(
      (queries: MeasureQueryService) =>
        resource(measuresResource(queries, { validateResponses: config.rest.validateResponses })),
      [TYPES.MeasureQueryService],
    );
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((measures: MeasureService) => resource(rejectedMessagesResource(measures)), [TYPES.MeasureService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((audit: AuditService) => resource(auditResource(audit)), [TYPES.AuditService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue(
      (api: PrometheusApiService, logger: Logger) =>
        resource(prometheusResource(api, buildInfo(), logger.child({ component: 'prometheus-api' }), config.rest.bodyLimit), 'self-validating'),
      [TYPES.PrometheusApiService, TYPES.Logger],
    );
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((alerts: AlertQueryService) => resource(alertsResource(alerts)), [TYPES.AlertQueryService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((alerts: AlertQueryService) => resource(prometheusRulesResource(alerts), 'self-validating'), [TYPES.AlertQueryService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((notifications: NotificationQueryService) => resource(notificationsResource(notifications)), [TYPES.NotificationQueryService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((rules: RuleService) => resource(rulesResource(rules)), [TYPES.RuleService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((tests: RuleTestService) => resource(ruleTestsResource(tests)), [TYPES.RuleTestService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((rules: RuleService) => resource(rulesYamlResource(rules, config.rest.bodyLimit), 'self-validating'), [TYPES.RuleService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue(
      (configs: AlertmanagerConfigService) => resource(alertmanagerConfigResource(configs, config.rest.bodyLimit), 'self-validating'),
      [AlertmanagerConfigService],
    );
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((silences: SilenceService) => resource(alertmanagerSilencesResource(silences), 'self-validating'), [TYPES.SilenceService]);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue(
      (api: AlertmanagerApiService, logger: Logger) =>
        resource(alertmanagerAlertsResource(api, buildInfo(), logger.child({ component: 'alertmanager-api' })), 'self-validating'),
      [TYPES.AlertmanagerApiService, TYPES.Logger],
    );
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((tickets: TicketService) => resource(ticketsResource(tickets)), [TYPES.TicketService]);
}

/** Checks model (issue 14): hosts, host groups, checks, schedules and services over REST (docs/checks.md, "Model"). */
function bindChecksModel(container: Container): void {
  container.bind(TYPES.ChecksModelStore).to(MysqlChecksModelStore);
  container.bind(TYPES.ChecksModelService).to(ChecksModelService);
  const routers = [hostsResource, hostGroupsResource, checksResource, schedulesResource, servicesResource];
  for (const routes of routers) {
    container
      .bind<RestResource>(TYPES.RestResource)
      .toResolvedValue((model: ChecksModelService): RestResource => ({ stage: 'contract', router: routes(model) }), [TYPES.ChecksModelService]);
  }
}

/**
 * Temporal policies (issue 15): the store, the event ingest (REST and AMQP feed it), the service and its REST
 * resource (docs/policies.md, "REST"). TYPES.PolicyWindowReader reads a policy change's replay (one primary-key range per predicate).
 */
function bindPolicies(container: Container): void {
  container.bind(TYPES.PolicyStore).to(MysqlPolicyStore);
  container.bind(TYPES.PolicyEventIngest).to(PolicyEventIngestService);
  container.bind(TYPES.PolicyWindowReader).to(MysqlPolicyWindowReader);
  container.bind(TYPES.PolicyService).to(PolicyService);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((policies: PolicyService): RestResource => ({ stage: 'contract', router: policiesResource(policies) }), [TYPES.PolicyService]);
}

/**
 * What `mymonit serve | consume | all` runs, started in this order and stopped in reverse: the metrics
 * server first and last (probes answer while the rest drains), the consumer before the REST listener.
 */
function bindComponents(container: Container): void {
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (server: MetricsServer): Component => ({
      name: 'metrics-server',
      runsIn: 'every',
      start: async () => {
        await server.start();
      },
      stop: () => server.stop(),
    }),
    [MetricsServer],
  );
  // The notification stage's configuration, before anything that routes alerts or serves it.
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (configs: AlertmanagerConfigService): Component => ({
      name: 'alertmanager-config',
      runsIn: 'every',
      start: () => configs.start(),
      stop: () => configs.stop(),
    }),
    [AlertmanagerConfigService],
  );
  // The event stream's broker connections, opened on first use, closed at shutdown (late: after whatever publishes).
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (publisher: RabbitEventPublisher): Component => ({
      name: 'event-publisher',
      runsIn: 'every',
      start: async () => undefined,
      stop: () => publisher.close(),
    }),
    [RabbitEventPublisher],
  );
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (listener: RabbitListener): Component => ({
      name: 'amqp-consumer',
      runsIn: 'consume',
      start: () => listener.start(),
      stop: () => listener.stop(),
    }),
    [TYPES.RabbitListener],
  );
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (listener: PolicyEventListener): Component => ({
      name: 'amqp-policy-consumer',
      runsIn: 'consume',
      start: () => listener.start(),
      stop: () => listener.stop(),
    }),
    [TYPES.PolicyEventListener],
  );
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (rest: RestListener): Component => ({
      name: 'rest',
      runsIn: 'serve',
      start: async () => {
        await rest.start();
      },
      stop: () => rest.stop(),
    }),
    [TYPES.RestListener],
  );
  // Rollups and retention run where ingest runs: a `serve`-only instance writes nothing.
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (maintenance: Maintenance): Component => ({
      name: 'maintenance',
      runsIn: 'consume',
      start: async () => {
        maintenance.start();
      },
      stop: () => maintenance.stop(),
    }),
    [Maintenance],
  );
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (evaluator: RuleEvaluator): Component => ({
      name: 'rule-evaluator',
      runsIn: 'consume',
      start: () => evaluator.start(),
      stop: () => evaluator.stop(),
    }),
    [TYPES.RuleEvaluator],
  );
  // Ends until_resolved silences and deletes old ones; idempotent across processes.
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (maintenance: SilenceMaintenance): Component => ({
      name: 'silence-maintenance',
      runsIn: 'consume',
      start: async () => {
        maintenance.start();
      },
      stop: () => maintenance.stop(),
    }),
    [SilenceMaintenance],
  );
  // The alerting stage's outbox into the notification stage's alerts (issue 13), where the evaluator runs.
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (reader: OutboxReader): Component => ({
      name: 'notify-outbox-reader',
      runsIn: 'consume',
      start: async () => {
        reader.start();
      },
      stop: () => reader.stop(),
    }),
    [TYPES.OutboxReader],
  );
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (dispatcher: Dispatcher): Component => ({
      name: 'notification-dispatcher',
      runsIn: 'consume',
      start: () => dispatcher.start(),
      stop: () => dispatcher.stop(),
    }),
    [TYPES.Dispatcher],
  );
}

/**
 * P6 health (issue 14, docs/checks.md "## Health"): the store, the REST service, and the monitor that
 * recomputes after each check result (a CheckResultListener) and sweeps periodically where the engines run.
 */
function bindHealth(container: Container): void {
  container.bind(TYPES.HealthStore).to(MysqlHealthStore);
  container.bind(TYPES.HealthService).to(HealthService);
  container.bind(HealthMonitor).toSelf();
  container.bind(TYPES.CheckResultListener).toService(HealthMonitor);
  container
    .bind<RestResource>(TYPES.RestResource)
    .toResolvedValue((health: HealthService) => ({ stage: 'contract', router: healthReportResource(health) }), [TYPES.HealthService]);
  container.bind<Component>(TYPES.Component).toResolvedValue(
    (monitor: HealthMonitor): Component => ({
      name: 'health-monitor',
      runsIn: 'consume',
      start: async () => {
        monitor.start();
      },
      stop: () => monitor.stop(),
    }),
    [HealthMonitor],
  );
}
