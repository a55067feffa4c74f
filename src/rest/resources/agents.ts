import { Router } from 'express';
import type { AgentService } from '../../services/checks/agent-service';
import type { AgentRecord } from '../../storage/agent-stores';

export function agentJson(agent: AgentRecord): Record<string, unknown> {
  return {
    name: agent.name,
    version: agent.version,
    first_seen: new Date(agent.firstSeenMs).toISOString(),
    last_seen: new Date(agent.lastSeenMs).toISOString(),
    plugins: agent.plugins.map((p) => ({ name: p.name, version: p.version, sha256: p.sha256 })),
  };
}

/** /agents: the agents registry, from their announcements. ADMIN only. */
export function agentsResource(agents: AgentService): Router {
  const router = Router();
  router.get('/agents', async (_req, res) => {
    res.json({ items: (await agents.listAgents(res.locals.actor)).map(agentJson) });
  });
  return router;
}
