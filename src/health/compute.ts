/**
 * Health as Prophasis computes it (thesis 3.2.5, "Determining the health of a host / of a service", table
 * 3.1), with the explanation of every state. Pure: the caller reads the model and the latest results.
 *
 * - A check's state is its latest result's classification (no result yet: no_data).
 * - A host's state is the most severe of its checks' (no checks: no_data).
 * - A redundancy group's state is the least severe of its members' (a host group member stands for each
 *   of its hosts), or `degraded` when the least severe is ok and another member is not ok.
 * - A service's state is the most severe of its dependencies' (hosts) and its redundancy groups'.
 *
 * no_data and unknown (docs/checks.md "## Health"): both keep their places in table 3.1 (no_data < ok <
 * unknown < degraded < ...). no_data means "nothing known yet", so it never decides anything while another
 * part has data: in "most severe of" it is the least severe anyway, and a redundancy group leaves its
 * no_data members out (otherwise one new web server without results would make the group no_data and hide
 * the other servers' failures). unknown is information (a check that errored or a missed slot): it takes
 * part as table 3.1 orders it, so a group with an ok and an unknown member is degraded, and a group whose
 * best member is unknown is unknown.
 */
import type { Severity } from '../alerting/rules/rule';
import type { RedundancyMember } from '../checks/model';
import { HEALTH_STATES, type HealthExplanation, type HealthState, type HealthSubject } from './health';

/** Position in table 3.1: 0 for no_data, 6 for critical. */
export function severityRank(state: HealthState): number {
  return HEALTH_STATES.indexOf(state);
}

export function mostSevere(states: readonly HealthState[]): HealthState {
  return states.reduce<HealthState>((worst, state) => (severityRank(state) > severityRank(worst) ? state : worst), 'no_data');
}

export function leastSevere(states: readonly HealthState[]): HealthState {
  return states.reduce<HealthState>((best, state) => (severityRank(state) < severityRank(best) ? state : best), 'critical');
}

/** A result's classification as a health state: the alerting severities are health states of the same name. */
export function healthOfSeverity(severity: Severity): HealthState {
  return severity;
}

/** What a check contributes to a host: its latest result on that host, if any. */
export interface CheckLatest {
  readonly id: number;
  readonly name: string;
  readonly latest?: {
    readonly severity: Severity;
    readonly slotMs: number;
    readonly message: string;
    /** Why the classifier said so (e.g. a threshold crossed), when it says. */
    readonly reason?: string;
  };
}

export interface Named {
  readonly id: number;
  readonly name: string;
}

const KIND_WORDS: Record<HealthSubject['kind'], string> = {
  service: 'service',
  redundancy_group: 'redundancy group',
  host: 'host',
  check: 'check',
};

/** Names listed in a reason; a longer list ends with "and N more" (the tree has them all). */
const NAMED_AT_MOST = 10;

function names(items: readonly string[]): string {
  if (items.length <= NAMED_AT_MOST) return items.join(', ');
  return `${items.slice(0, NAMED_AT_MOST).join(', ')} and ${items.length - NAMED_AT_MOST} more`;
}

/** "host router", "hosts web1, web2", "host router, redundancy group web". */
function describe(parts: readonly HealthExplanation[]): string {
  const kinds = new Set(parts.map((part) => part.subject.kind));
  const [kind] = kinds;
  if (kinds.size === 1 && kind !== undefined) {
    return `${KIND_WORDS[kind]}${parts.length === 1 ? '' : 's'} ${names(parts.map((part) => part.subject.name))}`;
  }
  return names(parts.map((part) => `${KIND_WORDS[part.subject.kind]} ${part.subject.name}`));
}

/** "host router is critical", "hosts web1, web2 are critical" (the parts whose state is `state`). */
function deciders(parts: readonly HealthExplanation[], state: HealthState): string {
  const chosen = parts.filter((part) => part.state === state);
  const verb = chosen.length === 1 ? 'is' : 'are';
  return `${describe(chosen)} ${verb} ${state}`;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export function checkHealth(check: CheckLatest): HealthExplanation {
  const subject: HealthSubject = { kind: 'check', id: check.id, name: check.name };
  if (check.latest === undefined) return { subject, state: 'no_data', reason: 'no result yet', children: [] };
  const { severity, slotMs, reason, message } = check.latest;
  // Both: the classifier's reason says why this severity, the message says what the check saw (ECONNREFUSED...).
  const said = message === '' || message === reason ? undefined : message;
  const detail = reason === undefined ? said : said === undefined ? reason : `${reason} (the check said: ${said})`;
  return {
    subject,
    state: healthOfSeverity(severity),
    reason: `latest result (slot ${new Date(slotMs).toISOString()}) classified ${severity}${detail === undefined ? '' : `: ${detail}`}`,
    children: [],
  };
}

/** The most severe latest classification of the host's checks. */
export function hostHealth(host: Named, checks: readonly CheckLatest[]): HealthExplanation {
  const subject: HealthSubject = { kind: 'host', id: host.id, name: host.name };
  const children = checks.map(checkHealth);
  if (children.length === 0) return { subject, state: 'no_data', reason: 'no checks run on this host', children };
  const state = mostSevere(children.map((child) => child.state));
  const reason =
    state === 'no_data'
      ? `no results yet for any of its ${plural(children.length, 'check')}`
      : `most severe of its ${plural(children.length, 'check')}: ${deciders(children, state)}`;
  return { subject, state, reason, children };
}

/**
 * The least severe of the members (host health, one per host), or degraded when that is ok and another
 * member is not ok. Members without data are left out (see the file comment).
 */
export function redundancyGroupHealth(group: Named, members: readonly HealthExplanation[]): HealthExplanation {
  const subject: HealthSubject = { kind: 'redundancy_group', id: group.id, name: group.name };
  const children = [...members];
  if (children.length === 0) return { subject, state: 'no_data', reason: 'no members', children };
  const informative = children.filter((member) => member.state !== 'no_data');
  const ignored = children.length - informative.length;
  const without = ignored === 0 ? '' : ` (${plural(ignored, 'member')} without data left out)`;
  if (informative.length === 0) return { subject, state: 'no_data', reason: `no data for any of its ${plural(children.length, 'member')}`, children };
  const least = leastSevere(informative.map((member) => member.state));
  const failing = informative.filter((member) => member.state !== 'ok');
  if (least === 'ok' && failing.length > 0) {
    const working = informative.filter((member) => member.state === 'ok');
    const failures = names(failing.map((member) => `${describe([member])} is ${member.state}`));
    return {
      subject,
      state: 'degraded',
      reason: `degraded: ${deciders(working, 'ok')} but ${failures}${without}`,
      children,
    };
  }
  return {
    subject,
    state: least,
    reason: `least severe of its ${plural(informative.length, 'member')}: ${deciders(informative, least)}${without}`,
    children,
  };
}

/** The most severe of the service's dependencies (hosts) and redundancy groups. */
export function serviceHealth(service: Named, dependencies: readonly HealthExplanation[], groups: readonly HealthExplanation[]): HealthExplanation {
  const subject: HealthSubject = { kind: 'service', id: service.id, name: service.name };
  const children = [...dependencies, ...groups];
  if (children.length === 0) return { subject, state: 'no_data', reason: 'no dependencies and no redundancy groups', children };
  const state = mostSevere(children.map((child) => child.state));
  const reason =
    state === 'no_data'
      ? 'no data for any of its dependencies and redundancy groups'
      : `most severe of its dependencies and redundancy groups: ${deciders(children, state)}`;
  return { subject, state, reason, children };
}

/** A redundancy group's members as hosts: a host group stands for each of its hosts; each host once, in order. */
export function memberHosts(members: readonly RedundancyMember[], hostGroupMembers: ReadonlyMap<number, readonly number[]>): number[] {
  const hosts: number[] = [];
  const seen = new Set<number>();
  const add = (hostId: number): void => {
    if (seen.has(hostId)) return;
    seen.add(hostId);
    hosts.push(hostId);
  };
  for (const member of members) {
    if ('hostId' in member) add(member.hostId);
    else for (const hostId of hostGroupMembers.get(member.hostGroupId) ?? []) add(hostId);
  }
  return hosts;
}

/** What a service's health needs of the model, beyond the service itself. */
export interface ServiceHealthInput {
  readonly service: Named & {
    readonly dependencies: readonly number[];
    readonly redundancyGroups: readonly (Named & { readonly members: readonly RedundancyMember[] })[];
  };
  readonly hostGroupMembers: ReadonlyMap<number, readonly number[]>;
  /** The health of every host the service reaches (a host missing here is left out: deleted meanwhile). */
  readonly hosts: ReadonlyMap<number, HealthExplanation>;
}

export function serviceHealthOf(input: ServiceHealthInput): HealthExplanation {
  const hostsOf = (ids: readonly number[]): HealthExplanation[] =>
    ids.map((id) => input.hosts.get(id)).filter((host): host is HealthExplanation => host !== undefined);
  const dependencies = hostsOf([...new Set(input.service.dependencies)]);
  const groups = input.service.redundancyGroups.map((group) =>
    redundancyGroupHealth(group, hostsOf(memberHosts(group.members, input.hostGroupMembers))),
  );
  return serviceHealth(input.service, dependencies, groups);
}
