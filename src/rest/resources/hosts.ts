import { Router } from 'express';
import type { Host } from '../../checks/model';
import type { ChecksModelService } from '../../services/checks/checks-model-service';
import type { Owned } from '../../storage/checks-stores';
import { modelRoutes } from './model-routes';

export function hostJson(host: Owned<Host>): Record<string, unknown> {
  return {
    id: host.id,
    experiment: host.experiment,
    name: host.name,
    address: host.address,
    agent: host.agent ?? null,
    description: host.description,
  };
}

/** /hosts: what checks run on (docs/checks.md, "Model"). */
export function hostsResource(model: ChecksModelService): Router {
  return modelRoutes(Router(), 'hosts', 'hostId', model.hosts, hostJson);
}
