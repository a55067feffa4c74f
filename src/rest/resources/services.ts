import { Router } from 'express';
import type { Service } from '../../checks/model';
import type { ChecksModelService } from '../../services/checks/checks-model-service';
import type { Owned } from '../../storage/checks-stores';
import { modelRoutes } from './model-routes';

export function serviceJson(service: Owned<Service>): Record<string, unknown> {
  return {
    id: service.id,
    experiment: service.experiment,
    name: service.name,
    description: service.description,
    dependencies: service.dependencies,
    redundancy_groups: service.redundancyGroups.map((g) => ({
      id: g.id,
      name: g.name,
      members: g.members.map((m) => ('hostId' in m ? { host: m.hostId } : { host_group: m.hostGroupId })),
    })),
  };
}

/** /services: what depends on hosts and on redundancy groups of hosts (health: docs/checks.md). */
export function servicesResource(model: ChecksModelService): Router {
  return modelRoutes(Router(), 'services', 'serviceId', model.services, serviceJson);
}
