import { Router } from 'express';
import { classifierJson } from '../../alerting/rules/classifier-codec';
import { formatDuration } from '../../alerting/rules/duration';
import { rawFromJson } from '../../alerting/rules/raw';
import type { RuleGroup, StoredRule } from '../../alerting/rules/rule';
import type { RuleService } from '../../services/rule-service';
import { integerParameter } from '../integer-parameters';

/** Labels and annotations as a JSON object, built without touching a prototype (`__proto__` is a label like any other). */
function mapJson(map: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(map) as Record<string, string>;
}

export function ruleJson(rule: StoredRule): Record<string, unknown> {
  if (rule.kind === 'record') return { id: rule.id, record: rule.name, expr: rule.expr, labels: mapJson(rule.labels) };
  return {
    id: rule.id,
    alert: rule.name,
    expr: rule.expr,
    for: formatDuration(rule.forMs),
    keep_firing_for: formatDuration(rule.keepFiringForMs),
    labels: mapJson(rule.labels),
    annotations: mapJson(rule.annotations),
    ...(rule.classifier ? { classifier: classifierJson(rule.classifier) } : {}),
  };
}

export function ruleGroupJson(group: RuleGroup): Record<string, unknown> {
  return {
    id: group.id,
    experiment: group.experiment,
    name: group.name,
    interval: formatDuration(group.intervalMs),
    version: group.version,
    rules: group.rules.map(ruleJson),
  };
}

/** /experiments/{code}/rule-groups (Prometheus's rule-group model as JSON) and /rules/{id}. */
export function rulesResource(rules: RuleService): Router {
  const router = Router();
  const location = (group: RuleGroup) => `/experiments/${encodeURIComponent(group.experiment)}/rule-groups/${encodeURIComponent(group.name)}`;
  router.get('/experiments/:code/rule-groups', async (req, res) => {
    const groups = await rules.listGroups(res.locals.actor, req.params.code);
    res.json({ items: groups.map(ruleGroupJson) });
  });
  router.post('/experiments/:code/rule-groups', async (req, res) => {
    const created = await rules.createGroup(res.locals.actor, req.params.code, { kind: 'json', raw: rawFromJson(req.body) });
    res.status(201).location(location(created)).json(ruleGroupJson(created));
  });
  router.get('/experiments/:code/rule-groups/:name', async (req, res) => {
    res.json(ruleGroupJson(await rules.getGroup(res.locals.actor, req.params.code, req.params.name)));
  });
  router.put('/experiments/:code/rule-groups/:name', async (req, res) => {
    const { group, created } = await rules.putGroup(res.locals.actor, req.params.code, req.params.name, { kind: 'json', raw: rawFromJson(req.body) });
    if (created) res.status(201).location(location(group));
    res.json(ruleGroupJson(group));
  });
  router.delete('/experiments/:code/rule-groups/:name', async (req, res) => {
    await rules.deleteGroup(res.locals.actor, req.params.code, req.params.name);
    res.status(204).end();
  });
  router.get('/rules/:ruleId', async (_req, res) => {
    const { group, rule } = await rules.getRule(res.locals.actor, integerParameter(res, 'ruleId'));
    res.json({ ...ruleJson(rule), experiment: group.experiment, group: group.name, group_id: group.id });
  });
  return router;
}
