import { Router } from 'express';
import type { HostGroup } from '../../checks/model';
import type { ChecksModelService } from '../../services/checks/checks-model-service';
import type { Owned } from '../../storage/checks-stores';
import { modelRoutes } from './model-routes';

export function hostGroupJson(group: Owned<HostGroup>): Record<string, unknown> {
  return { id: group.id, experiment: group.experiment, name: group.name, description: group.description, hosts: group.hostIds };
}

/** /host-groups: hosts taken together by checks and redundancy groups. */
export function hostGroupsResource(model: ChecksModelService): Router {
  return modelRoutes(Router(), 'host-groups', 'hostGroupId', model.hostGroups, hostGroupJson);
}
