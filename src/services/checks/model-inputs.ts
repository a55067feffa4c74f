import { isIP } from 'node:net';
import { parseClassifier, type ClassifierProblems } from '../../alerting/rules/classifier-codec';
import type { ClassifierChecker } from '../../alerting/rules/checkers';
import { rawFromJson } from '../../alerting/rules/raw';
import type { Classifier } from '../../alerting/rules/rule';
import { CHECK_KINDS, type CheckKind, type RedundancyMember } from '../../checks/model';
import { parseCheckParams } from '../../checks/params';
import { parseTimestampUs } from '../../../lib/contract/timestamp';
import type { ChecksModelStore, NewCheck, NewHost, NewHostGroup, NewSchedule, NewService, ReferencedTable } from '../../storage/checks-stores';

/**
 * The request bodies of the checks model, as openapi.yaml shapes them (types checked there), and their
 * meaning checked here: every problem is named by its path in the body, as the API spells it.
 */
export interface HostInput {
  readonly experiment: string;
  readonly name: string;
  readonly address: string;
  readonly agent?: string | null;
  readonly description?: string;
}
export interface HostGroupInput {
  readonly experiment: string;
  readonly name: string;
  readonly description?: string;
  readonly hosts?: readonly number[];
}
export interface CheckInput {
  readonly experiment: string;
  readonly name: string;
  readonly kind: CheckKind;
  readonly params?: unknown;
  readonly plugin?: string | null;
  readonly timeout_ms?: number;
  readonly classifier?: unknown;
  readonly hosts?: readonly number[];
  readonly host_groups?: readonly number[];
}
export interface ScheduleInput {
  readonly experiment: string;
  readonly name: string;
  readonly max_lateness_ms: number;
  readonly intervals: ReadonlyArray<{ readonly start: string; readonly period_ms: number }>;
  readonly checks?: readonly number[];
}
export type MemberInput = { readonly host: number } | { readonly host_group: number };
export interface ServiceInput {
  readonly experiment: string;
  readonly name: string;
  readonly description?: string;
  readonly dependencies?: readonly number[];
  readonly redundancy_groups?: ReadonlyArray<{ readonly name: string; readonly members: readonly MemberInput[] }>;
}

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 600_000;
const DNS_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
const NOUNS: Readonly<Record<ReferencedTable, string>> = { hosts: 'host', host_groups: 'host group', checks: 'check' };

/** Reads bodies against the store: references must exist and belong to the body's experiment. */
export class ModelInputs {
  readonly problems: Problem[] = [];

  constructor(
    private readonly store: ChecksModelStore,
    private readonly classifiers: ClassifierChecker,
    private readonly experimentId: number,
  ) {}

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  host(input: HostInput): NewHost {
    const address = input.address;
    const labels = address.replace(/\.$/, '').split('.');
    if (isIP(address) === 0 && !labels.every((label) => DNS_LABEL.test(label))) this.problem('address', 'must be a host name or an IP address');
    return {
      experimentId: this.experimentId,
      name: input.name,
      address,
      ...(input.agent === undefined || input.agent === null ? {} : { agent: input.agent }),
      description: input.description ?? '',
    };
  }

  async hostGroup(input: HostGroupInput): Promise<NewHostGroup> {
    return {
      experimentId: this.experimentId,
      name: input.name,
      description: input.description ?? '',
      hostIds: await this.references('hosts', input.hosts ?? [], 'hosts'),
    };
  }

  async check(input: CheckInput): Promise<NewCheck | undefined> {
    const kind = input.kind;
    if (!(CHECK_KINDS as readonly string[]).includes(kind)) {
      this.problem('kind', `must be one of ${CHECK_KINDS.join(', ')}`);
      return undefined;
    }
    const parsed = parseCheckParams(kind, input.params);
    if (!parsed.ok) for (const [path, message] of parsed.problems) this.problem(path === '' ? 'params' : `params.${path}`, message);
    const plugin = input.plugin ?? undefined;
    if (kind === 'plugin' && plugin === undefined) this.problem('plugin', 'is required for plugin checks (the plugin to run)');
    if (kind !== 'plugin' && plugin !== undefined) this.problem('plugin', `is only for plugin checks, not ${kind} checks`);
    const timeoutMs = input.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) this.problem('timeout_ms', `must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
    if (kind === 'mesh' && (input.hosts ?? []).length > 0) this.problem('hosts', 'mesh checks run among the agents of host groups: assign host groups');
    const classifier = input.classifier === undefined || input.classifier === null ? undefined : await this.classifier(input.classifier);
    const hostIds = await this.references('hosts', input.hosts ?? [], 'hosts');
    const hostGroupIds = await this.references('host_groups', input.host_groups ?? [], 'host_groups');
    if (!parsed.ok) return undefined;
    return {
      experimentId: this.experimentId,
      name: input.name,
      kind,
      params: parsed.params,
      ...(plugin === undefined ? {} : { plugin }),
      timeoutMs,
      ...(classifier === undefined ? {} : { classifier }),
      hostIds,
      hostGroupIds,
    };
  }

  async schedule(input: ScheduleInput): Promise<NewSchedule> {
    const seen = new Set<string>();
    const intervals = input.intervals.flatMap((interval, i) => {
      const us = parseTimestampUs(interval.start);
      if (us === undefined) {
        this.problem(`intervals[${i}].start`, 'must be an RFC 3339 date-time (e.g. 2026-01-01T00:00:00Z)');
        return [];
      }
      if (us % 1000n !== 0n) {
        this.problem(`intervals[${i}].start`, 'must be a whole millisecond');
        return [];
      }
      const startMs = Number(us / 1000n);
      const key = `${startMs}/${interval.period_ms}`;
      if (seen.has(key)) this.problem(`intervals[${i}]`, 'repeats an earlier interval (same start and period)');
      seen.add(key);
      return [{ startMs, periodMs: interval.period_ms }];
    });
    return {
      experimentId: this.experimentId,
      name: input.name,
      maxLatenessMs: input.max_lateness_ms,
      intervals,
      checkIds: await this.references('checks', input.checks ?? [], 'checks'),
    };
  }

  async service(input: ServiceInput): Promise<NewService> {
    const dependencies = await this.references('hosts', input.dependencies ?? [], 'dependencies');
    const names = new Set<string>();
    const groups = input.redundancy_groups ?? [];
    const hostIds: Array<[number, string]> = [];
    const groupIds: Array<[number, string]> = [];
    const redundancyGroups = groups.map((group, g) => {
      if (names.has(group.name)) this.problem(`redundancy_groups[${g}].name`, 'repeats the name of an earlier redundancy group');
      names.add(group.name);
      const keys = new Set<string>();
      const members = group.members.map((member, m): RedundancyMember => {
        const at = `redundancy_groups[${g}].members[${m}]`;
        const [key, path, entry]: [string, string, RedundancyMember] =
          'host' in member ? [`h${member.host}`, `${at}.host`, { hostId: member.host }] : [`g${member.host_group}`, `${at}.host_group`, { hostGroupId: member.host_group }];
        if (keys.has(key)) this.problem(path, 'repeats an earlier member of the group');
        keys.add(key);
        if ('hostId' in entry) hostIds.push([entry.hostId, path]);
        else groupIds.push([entry.hostGroupId, path]);
        return entry;
      });
      return { name: group.name, members };
    });
    await this.owned('hosts', hostIds);
    await this.owned('host_groups', groupIds);
    return { experimentId: this.experimentId, name: input.name, description: input.description ?? '', dependencies, redundancyGroups };
  }

  private async classifier(raw: unknown): Promise<Classifier | undefined> {
    const problems: ClassifierProblems = [];
    const classifier = parseClassifier(rawFromJson(raw), problems);
    for (const [path, message] of problems) this.problem(`classifier${path}`, message);
    if (classifier?.kind === 'lua') {
      const error = await this.classifiers.checkLua(classifier.code);
      if (error !== undefined) {
        this.problem('classifier.lua', error);
        return undefined;
      }
    }
    return classifier;
  }

  /** The ids of a list field, each once, each a row of the body's experiment. */
  private async references(table: ReferencedTable, ids: readonly number[], field: string): Promise<number[]> {
    const seen = new Set<number>();
    const located: Array<[number, string]> = [];
    ids.forEach((id, i) => {
      if (seen.has(id)) this.problem(`${field}[${i}]`, `repeats ${NOUNS[table]} ${id}`);
      else located.push([id, `${field}[${i}]`]);
      seen.add(id);
    });
    await this.owned(table, located);
    return [...seen];
  }

  private async owned(table: ReferencedTable, located: ReadonlyArray<readonly [number, string]>): Promise<void> {
    if (located.length === 0) return;
    const owners = await this.store.owners(table, located.map(([id]) => id));
    for (const [id, path] of located) {
      const owner = owners.get(id);
      if (owner === undefined) this.problem(path, `${NOUNS[table]} ${id} does not exist`);
      else if (owner !== this.experimentId) this.problem(path, `${NOUNS[table]} ${id} belongs to another experiment`);
    }
  }
}
