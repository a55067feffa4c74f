import express, { Router, type RequestHandler } from 'express';
import { problem } from '../problem';
import type { AlertmanagerConfigService } from '../../services/notify/alertmanager-config-service';
import { YAML_TYPES } from './rules-yaml';

/**
 * GET and PUT /alertmanager/config: the Alertmanager configuration as YAML (ADMIN). Mounted before the
 * OpenAPI validator ('self-validating'): the body is YAML, which the service validates whole (400
 * problem+json listing each problem with its key path and line:column).
 */
export function alertmanagerConfigResource(configs: AlertmanagerConfigService, bodyLimit: string): Router {
  const router = Router();
  const text = express.text({ type: YAML_TYPES, limit: bodyLimit });
  const yamlOnly: RequestHandler = (req, res, next) => {
    if (req.is(YAML_TYPES)) {
      text(req, res, next);
      return;
    }
    res
      .status(415)
      .type('application/problem+json')
      .send(JSON.stringify(problem(415, 'the body must be the configuration as YAML (Content-Type text/yaml or application/yaml)')));
  };
  router.get('/alertmanager/config', async (_req, res) => {
    const stored = await configs.get(res.locals.actor);
    res.set('X-Alertmanager-Config-Version', String(stored.version)).type('text/yaml; charset=utf-8').send(stored.yaml);
  });
  router.put('/alertmanager/config', yamlOnly, async (req, res) => {
    const yaml = typeof req.body === 'string' ? req.body : '';
    const { version } = await configs.put(res.locals.actor, yaml);
    res.set('X-Alertmanager-Config-Version', String(version)).json({ version });
  });
  return router;
}
