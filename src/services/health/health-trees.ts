import { hostHealth, memberHosts, serviceHealthOf } from '../../health/compute';
import type { HealthExplanation } from '../../health/health';
import type { HealthModelReader, HealthOwner, HealthScope } from '../../storage/health-stores';

/** A subject's computed health, with where it belongs. */
export interface ComputedHealth {
  readonly owner: HealthOwner;
  readonly health: HealthExplanation;
}

/** The health of the hosts in `scope`, from the model and the latest results, by host id. */
export async function hostTrees(reader: HealthModelReader, scope: HealthScope): Promise<Map<number, ComputedHealth>> {
  const hosts = await reader.hosts(scope);
  return new Map(hosts.map((host) => [host.id, { owner: host, health: hostHealth(host, host.checks) }]));
}

/** The health of the services in `scope`, each with the trees of the hosts it reaches, in the reader's order. */
export async function serviceTrees(reader: HealthModelReader, scope: HealthScope): Promise<ComputedHealth[]> {
  const services = await reader.services(scope);
  if (services.length === 0) return [];
  const groupIds = new Set<number>();
  for (const service of services) {
    for (const group of service.redundancyGroups) for (const member of group.members) if ('hostGroupId' in member) groupIds.add(member.hostGroupId);
  }
  const hostGroupMembers = await reader.hostGroupMembers([...groupIds]);
  const hostIds = new Set<number>();
  for (const service of services) {
    for (const id of service.dependencies) hostIds.add(id);
    for (const group of service.redundancyGroups) for (const id of memberHosts(group.members, hostGroupMembers)) hostIds.add(id);
  }
  const hosts = await hostTrees(reader, { ids: [...hostIds] });
  const trees = new Map([...hosts].map(([id, computed]) => [id, computed.health]));
  return services.map((service) => ({ owner: service, health: serviceHealthOf({ service, hostGroupMembers, hosts: trees }) }));
}
