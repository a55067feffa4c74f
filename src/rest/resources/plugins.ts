import { Router, type Request, type Response } from 'express';
import { PluginSigningUnavailableError, type AgentService, type PluginUpload } from '../../services/checks/agent-service';
import type { PluginSummary } from '../../storage/agent-stores';
import { problem } from '../problem';

export function pluginJson(plugin: PluginSummary): Record<string, unknown> {
  return {
    name: plugin.name,
    version: plugin.version,
    entry: plugin.entry,
    files: plugin.fileCount,
    bytes: plugin.bytes,
    sha256: plugin.sha256,
    uploaded_by: plugin.createdBy,
    uploaded_at: new Date(plugin.createdAtMs).toISOString(),
  };
}

/** No signing key: a 503 that says so (the operator's to fix), not a 500 and not a silently made-up key. */
function signingUnavailable(req: Request, res: Response, error: PluginSigningUnavailableError): void {
  const body = { ...problem(503, error.message, 'plugin-signing-unavailable'), instance: req.originalUrl.split('?')[0], requestId: res.locals.requestId as string };
  res.status(503).type('application/problem+json').send(JSON.stringify(body));
}

/** /plugins: the plugin registry (docs/checks.md, "Agents and plugins"). ADMIN only. */
export function pluginsResource(agents: AgentService): Router {
  const router = Router();
  router.get('/plugins', async (_req, res) => {
    res.json({ items: (await agents.listPlugins(res.locals.actor)).map(pluginJson) });
  });
  router.get('/plugins/signing-key', (req, res) => {
    try {
      res.json({ algorithm: 'ed25519', publicKey: agents.signingKey(res.locals.actor) });
    } catch (error) {
      if (error instanceof PluginSigningUnavailableError) return signingUnavailable(req, res, error);
      throw error;
    }
  });
  router.post('/plugins', async (req, res) => {
    try {
      res.status(201).json(pluginJson(await agents.uploadPlugin(res.locals.actor, req.body as PluginUpload)));
    } catch (error) {
      if (error instanceof PluginSigningUnavailableError) return signingUnavailable(req, res, error);
      throw error;
    }
  });
  return router;
}
