import { inject, injectable, optional } from 'inversify';
import { RE2JS } from 're2js';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { LabelSet, NotifyAlert } from '../../notify/alert';
import type { Route } from '../../notify/config/model';
import type { CompiledMatcher } from '../../notify/matchers';
import { acceptAlert, decodePostableAlerts, type AcceptedAlert } from '../../notify/api/postable';
import { groupLabels, matchRoutes } from '../../notify/dispatch/route';
import { Inhibitor } from '../../notify/inhibit/inhibit';
import { MatcherSyntaxError, parseMatcher } from '../../notify/matchers-parse';
import { compileSilence, silencedBy } from '../../notify/silence/silenced-by';
import {
  alertGroups,
  boolParam,
  dateTimeJson,
  gettableAlertJson,
  keepAlert,
  labelSetJson,
  type AlertFilterParams,
  type AlertMarks,
} from '../../notify/api/v2';
import type { ExperimentScope, NotifyAlertStore, SilenceStore } from '../../storage/notify-stores';
import type { ExperimentStore } from '../../storage/stores';
import { requiredAssociation } from '../authorization';
import type { NotifyConfigProvider } from './ports';

/** The Alertmanager release whose API v2 MyMONIT follows (docs/notifications.md). */
export const ALERTMANAGER_COMPATIBLE_VERSION = '0.25.0';

/** An answer in Alertmanager's format: status and JSON text (empty for a 200 without payload). */
export interface AmAnswer {
  readonly status: number;
  readonly body: string;
}

export interface AmBuild {
  readonly version: string;
  readonly revision: string;
  readonly nodeVersion: string;
}

const ok = (body: string): AmAnswer => ({ status: 200, body });
const badRequest = (message: string): AmAnswer => ({ status: 400, body: JSON.stringify(message) });

/**
 * Alertmanager's API v2 alerts, groups, status and receivers over the notification stage's alerts.
 * Visibility: an ADMIN sees every alert; a SCIENTIST the alerts of associated experiments (the experiment an
 * `experiment` label names). A SCIENTIST posts only alerts naming an associated experiment: the others are
 * reported as invalid alerts (Alertmanager's partial acceptance), "experiment ... not found".
 */
@injectable()
export class AlertmanagerApiService {
  private readonly startedAtMs = Date.now();

  constructor(
    @inject(TYPES.NotifyAlertStore) private readonly alerts: NotifyAlertStore,
    @inject(TYPES.NotifyConfigProvider) private readonly config: NotifyConfigProvider,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.SilenceStore) @optional() private readonly silences?: SilenceStore,
  ) {}

  /** POST /api/v2/alerts: the valid alerts are stored, the invalid ones reported together (400). */
  async post(actor: User, body: unknown, nowMs: number = Date.now()): Promise<AmAnswer> {
    const decoded = decodePostableAlerts(body);
    if (!decoded.ok) return { status: decoded.error.status, body: JSON.stringify(decoded.error.body) };
    const resolveTimeoutMs = this.config.current().global.resolveTimeoutMs;
    const accepted = decoded.alerts.map((alert) => acceptAlert(alert, nowMs, resolveTimeoutMs));
    const codes = new Set<string>();
    for (const alert of accepted) {
      const code = typeof alert === 'string' ? undefined : alert.labels.get('experiment');
      if (code !== undefined) codes.add(code);
    }
    const ids = codes.size === 0 ? new Map<string, number>() : await this.experiments.idsByCode([...codes]);
    const allowed = actor.isAdmin ? undefined : await this.associatedIds(actor);
    const errors: string[] = [];
    const valid: NotifyAlert[] = [];
    for (const alert of accepted) {
      if (typeof alert === 'string') {
        errors.push(alert);
        continue;
      }
      const result = this.withExperiment(alert, ids, allowed);
      if (typeof result === 'string') errors.push(result);
      else valid.push(result);
    }
    if (valid.length > 0) await this.alerts.put(valid);
    return errors.length > 0 ? badRequest(errors.join('; ')) : ok('');
  }

  /** GET /api/v2/alerts. */
  async list(actor: User, query: URLSearchParams, nowMs: number = Date.now()): Promise<AmAnswer> {
    const params = this.filterParams(query);
    if ('status' in params) return params;
    const receiverFilter = this.receiverFilter(query);
    if ('status' in receiverFilter) return receiverFilter;
    const { visible, marksOf } = await this.snapshot(actor, nowMs);
    const route = this.config.current().route;
    const items: Array<{ fingerprint: string; json: string }> = [];
    for (const alert of visible) {
      const receivers = matchRoutes(route, alert.labels).map((r) => r.receiver);
      if (receiverFilter.test !== undefined && !receivers.some((name) => receiverFilter.test!(name))) continue;
      const marks = marksOf(alert);
      if (!keepAlert(alert, marks, nowMs, params)) continue;
      items.push({ fingerprint: alert.fingerprint, json: gettableAlertJson(alert, marks, receivers) });
    }
    items.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    return ok(`[${items.map((item) => item.json).join(',')}]`);
  }

  /** GET /api/v2/alerts/groups. */
  async groups(actor: User, query: URLSearchParams, nowMs: number = Date.now()): Promise<AmAnswer> {
    const params = this.filterParams(query);
    if ('status' in params) return params;
    const receiverFilter = this.receiverFilter(query);
    if ('status' in receiverFilter) return receiverFilter;
    const { visible, marksOf } = await this.snapshot(actor, nowMs);
    const { groups, receivers } = alertGroups(
      this.config.current().route,
      visible,
      (alert) => keepAlert(alert, marksOf(alert), nowMs, params),
      (name) => receiverFilter.test === undefined || receiverFilter.test(name),
      { matchRoutes, groupLabels: groupLabelsOf },
    );
    const json = groups.map(
      (group) =>
        `{"alerts":[${group.alerts.map((alert) => gettableAlertJson(alert, marksOf(alert), receivers.get(alert.fingerprint) ?? [])).join(',')}],` +
        `"labels":${labelSetJson(group.labels)},"receiver":{"name":${JSON.stringify(group.receiver)}}}`,
    );
    return ok(`[${json.join(',')}]`);
  }

  /** GET /api/v2/status: the configuration in force to an ADMIN (who may read it anyway), an empty one to others. */
  status(actor: User, build: AmBuild): AmAnswer {
    const original = actor.isAdmin ? this.config.current().original : '';
    return ok(
      JSON.stringify({
        cluster: { peers: [], status: 'disabled' },
        config: { original },
        uptime: dateTimeJson(this.startedAtMs),
        versionInfo: {
          branch: `mymonit-${build.version}`,
          buildDate: '',
          buildUser: 'mymonit',
          goVersion: `mymonit (node ${build.nodeVersion})`,
          revision: build.revision,
          version: ALERTMANAGER_COMPATIBLE_VERSION,
        },
      }),
    );
  }

  /** GET /api/v2/receivers: the configuration's receivers, in file order. */
  receivers(): AmAnswer {
    return ok(JSON.stringify([...this.config.current().receivers.keys()].map((name) => ({ name }))));
  }

  private withExperiment(alert: AcceptedAlert, ids: ReadonlyMap<string, number>, allowed: ReadonlySet<number> | undefined): NotifyAlert | string {
    const code = alert.labels.get('experiment');
    const id = code === undefined ? undefined : ids.get(code);
    if (allowed !== undefined) {
      if (code === undefined) return 'an experiment label naming an experiment associated with you is required';
      if (id === undefined || !allowed.has(id)) return `experiment ${JSON.stringify(code)} not found`;
    }
    return { ...alert, ...(id === undefined ? {} : { experimentId: id }), origin: 'api' };
  }

  private filterParams(query: URLSearchParams): AlertFilterParams | AmAnswer {
    const matchers: CompiledMatcher[] = [];
    for (const text of query.getAll('filter')) {
      try {
        matchers.push(parseMatcher(text));
      } catch (error) {
        if (error instanceof MatcherSyntaxError) return badRequest(error.message);
        throw error;
      }
    }
    return {
      matchers,
      active: boolParam(query.get('active') ?? undefined, true),
      silenced: boolParam(query.get('silenced') ?? undefined, true),
      inhibited: boolParam(query.get('inhibited') ?? undefined, true),
    };
  }

  /** `receiver`: a regex anchored as Alertmanager anchors it. */
  private receiverFilter(query: URLSearchParams): { test?: (name: string) => boolean } | AmAnswer {
    const source = query.get('receiver');
    if (source === null) return {};
    try {
      const re = RE2JS.compile(`^(?:${source})$`);
      return { test: (name: string) => re.matches(name) };
    } catch (error) {
      return badRequest(`failed to parse receiver param: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The alerts the actor may see (not resolved before now) and each one's marks: silences of the silence
   * store, inhibition by every firing alert (of all experiments: an inhibiting alert is named by its
   * fingerprint only).
   */
  private async snapshot(actor: User, nowMs: number): Promise<{ visible: NotifyAlert[]; marksOf: (alert: NotifyAlert) => AlertMarks }> {
    const scope = await this.scopeOf(actor);
    const all = await this.alerts.current({ kind: 'all' }, nowMs);
    const visible = scope.kind === 'all' ? all : all.filter((alert) => alert.experimentId !== undefined && scope.experimentIds.includes(alert.experimentId));
    const silences = this.silences === undefined ? [] : (await this.silences.list({ kind: 'all' }, nowMs)).map((silence) => compileSilence(silence));
    const inhibitor = new Inhibitor(this.config.current().inhibitRules, all, nowMs);
    const cache = new Map<string, AlertMarks>();
    const marksOf = (alert: NotifyAlert): AlertMarks => {
      let marks = cache.get(alert.fingerprint);
      if (marks === undefined) {
        const inhibiting = inhibitor.inhibitedBy(alert.labels);
        marks = { silencedBy: silencedBy(silences, alert.labels, nowMs), inhibitedBy: inhibiting === undefined ? [] : [inhibiting] };
        cache.set(alert.fingerprint, marks);
      }
      return marks;
    };
    return { visible, marksOf };
  }

  private async scopeOf(actor: User): Promise<ExperimentScope> {
    if (actor.isAdmin) return { kind: 'all' };
    return { kind: 'experiments', experimentIds: [...(await this.associatedIds(actor))] };
  }

  private async associatedIds(actor: User): Promise<Set<number>> {
    const ids = new Set<number>();
    const userId = requiredAssociation(actor);
    if (userId === undefined) return ids;
    let afterId: number | undefined;
    for (;;) {
      const page = await this.experiments.list({ limit: 500, associatedUserId: userId, ...(afterId === undefined ? {} : { afterId }) });
      for (const e of page) ids.add(e.id);
      const last = page.at(-1);
      if (page.length < 500 || last === undefined) return ids;
      afterId = last.id;
    }
  }
}

/** dispatch getGroupLabels, sorted by name (the API's group `labels`). */
function groupLabelsOf(route: Route, labels: LabelSet): LabelSet {
  return new Map([...groupLabels(route, labels)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
