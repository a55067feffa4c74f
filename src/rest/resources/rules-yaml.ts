import express, { Router, type RequestHandler } from 'express';
import type { RuleService } from '../../services/rule-service';
import { ruleGroupJson } from './rules';

export const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/**
 * POST and PUT of a rule group as YAML (a rule file of exactly one group, the classifier in its
 * annotation). Mounted before the OpenAPI validator ('self-validating'): the validator cannot read a
 * YAML body, and RuleService validates the whole file itself. Any other content type passes on to the
 * contract route.
 */
export function rulesYamlResource(rules: RuleService, bodyLimit: string): Router {
  const router = Router();
  const text = express.text({ type: YAML_TYPES, limit: bodyLimit });
  const yamlOnly: RequestHandler = (req, res, next) => (req.is(YAML_TYPES) ? text(req, res, next) : next('route'));
  const body = (value: unknown): string => (typeof value === 'string' ? value : '');
  router.post('/experiments/:code/rule-groups', yamlOnly, async (req, res) => {
    const created = await rules.createGroup(res.locals.actor, String(req.params.code), { kind: 'yaml', text: body(req.body) });
    res.status(201).location(`/experiments/${encodeURIComponent(created.experiment)}/rule-groups/${encodeURIComponent(created.name)}`).json(ruleGroupJson(created));
  });
  router.put('/experiments/:code/rule-groups/:name', yamlOnly, async (req, res) => {
    const { group, created } = await rules.putGroup(res.locals.actor, String(req.params.code), String(req.params.name), { kind: 'yaml', text: body(req.body) });
    if (created) res.status(201).location(`/experiments/${encodeURIComponent(group.experiment)}/rule-groups/${encodeURIComponent(group.name)}`);
    res.json(ruleGroupJson(group));
  });
  return router;
}
