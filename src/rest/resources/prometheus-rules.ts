import { expandTemplate } from '../../alerting/rules/template';
import { Router, type Request, type Response } from 'express';
import { StorageUnavailableError } from '../../domain/errors';
import type { Labels } from '../../alerting/promql/values';
import type { AlertingRule, StoredRule } from '../../alerting/rules/rule';
import type { AlertQueryService, GroupStatus } from '../../services/alert-query-service';
import type { ListedAlert } from '../../storage/alerting-stores';
import { labelsJson } from '../alert-json';
import { queryString } from './query';

/** Go's zero time, which Prometheus reports for a rule never evaluated. */
const NEVER = '0001-01-01T00:00:00Z';

/** strconv.FormatFloat(v, 'e', 10, 64), the way Prometheus's API writes an alert's value. */
export function goExponent(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // strconv.FormatFloat(v, 'e', -1, 64) in 2.42's api.go: the shortest digits that read back as v.
  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${digits.padStart(2, '0')}`;
}

function promError(res: Response, status: number, errorType: string, error: string): void {
  res.status(status).json({ status: 'error', errorType, error });
}

/** A handler whose failures answer in Prometheus's envelope (unavailable: storage down; internal otherwise). */
function enveloped(handler: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (error) {
      if (error instanceof StorageUnavailableError) promError(res, 503, 'unavailable', error.message);
      else promError(res, 500, 'internal', 'internal error');
    }
  };
}

/** Annotations rendered for the alert, as Prometheus does at evaluation: `$labels` are the alert's labels. */
function expandAnnotations(annotations: Labels, alert: ListedAlert): Labels {
  const expanded = new Map<string, string>();
  for (const [name, text] of annotations) expanded.set(name, expandTemplate(text, alert.labels, alert.value));
  return expanded;
}

function alertOf(alert: ListedAlert, annotations: Labels): Record<string, unknown> {
  return {
    labels: labelsJson(alert.labels),
    annotations: labelsJson(expandAnnotations(annotations, alert)),
    state: alert.state,
    activeAt: new Date(alert.activeAtMs ?? alert.lastEvalMs).toISOString(),
    ...(alert.keepFiringSinceMs === undefined ? {} : { keepFiringSince: new Date(alert.keepFiringSinceMs).toISOString() }),
    value: goExponent(alert.value),
  };
}

function ruleJson(rule: StoredRule, status: GroupStatus): Record<string, unknown> {
  const record = status.rules.get(rule.id);
  const common = {
    name: rule.name,
    query: rule.expr,
    labels: labelsJson(rule.labels),
    health: record ? record.health : 'unknown',
    lastError: record?.lastError ?? '',
    evaluationTime: record ? record.durationMs / 1000 : 0,
    lastEvaluation: record ? new Date(record.evalMs).toISOString() : NEVER,
  };
  if (rule.kind === 'record') return { ...common, type: 'recording' };
  const alerts = status.alerts.filter((a) => a.ruleId === rule.id);
  const state = alerts.some((a) => a.state === 'firing') ? 'firing' : alerts.some((a) => a.state === 'pending') ? 'pending' : 'inactive';
  return {
    state,
    ...common,
    duration: rule.forMs / 1000,
    keepFiringFor: rule.keepFiringForMs / 1000,
    annotations: labelsJson(rule.annotations),
    alerts: alerts.map((a) => alertOf(a, rule.annotations)),
    type: 'alerting',
  };
}

/**
 * Prometheus's /api/v1/rules and /api/v1/alerts over MyMONIT's rule groups and alert states, in its JSON
 * shapes (a group's `file` is its experiment). A 'self-validating' resource: errors use Prometheus's
 * envelope. Annotations are the rules' own text, not expanded per alert.
 */
export function prometheusRulesResource(alerts: AlertQueryService): Router {
  const router = Router();
  router.get('/prometheus/api/v1/rules', enveloped(async (req, res) => {
    const type = queryString(req, 'type');
    if (type !== undefined && type !== 'alert' && type !== 'record') {
      promError(res, 400, 'bad_data', `unsupported type "${type}"`);
      return;
    }
    const groups = await alerts.groups(res.locals.actor);
    res.json({
      status: 'success',
      data: {
        groups: groups.map((status) => ({
          name: status.group.name,
          file: status.group.experiment,
          rules: status.group.rules
            .filter((r) => type === undefined || (type === 'alert' ? r.kind === 'alert' : r.kind === 'record'))
            .map((r) => ruleJson(r, status)),
          interval: status.group.intervalMs / 1000,
          limit: 0,
          evaluationTime: status.lastEvaluation ? status.lastEvaluation.durationMs / 1000 : 0,
          lastEvaluation: status.lastEvaluation ? new Date(status.lastEvaluation.evalMs).toISOString() : NEVER,
        })),
      },
    });
  }));
  router.get('/prometheus/api/v1/alerts', enveloped(async (_req, res) => {
    const groups = await alerts.groups(res.locals.actor);
    const list: Record<string, unknown>[] = [];
    for (const status of groups) {
      const annotations = new Map(status.group.rules.map((r) => [r.id, r.kind === 'alert' ? (r as AlertingRule).annotations : new Map<string, string>()]));
      for (const alert of status.alerts) list.push(alertOf(alert, annotations.get(alert.ruleId) ?? new Map()));
    }
    res.json({ status: 'success', data: { alerts: list } });
  }));
  return router;
}
