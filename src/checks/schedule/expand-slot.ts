import type { CheckKind, Host } from '../model';
import type { ParsedParams, ParamProblem } from '../params';
import type { CheckJob } from '../ports';

/** A check of a schedule as stored: its parameters still JSON, parsed per slot. */
export interface SlotCheck {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
  readonly kind: CheckKind;
  readonly params: unknown;
  readonly plugin?: string;
  readonly timeoutMs: number;
  readonly version: number;
  readonly hostIds: readonly number[];
  readonly hostGroupIds: readonly number[];
}

/** What a slot of a schedule runs, read when it is claimed. */
export interface SlotSnapshot {
  readonly scheduleId: number;
  readonly experimentId: number;
  /** The experiment's code (the measures' `experiment`). */
  readonly experiment: string;
  readonly maxLatenessMs: number;
  readonly checks: readonly SlotCheck[];
  readonly hosts: ReadonlyMap<number, Host>;
  /** Host group id -> its hosts' ids. */
  readonly groups: ReadonlyMap<number, readonly number[]>;
}

export interface SlotExpansion {
  /** One per (check, host), ordered by check then host. */
  readonly jobs: readonly CheckJob[];
  /** Checks whose stored parameters no longer parse: not run (the API refuses such parameters on write). */
  readonly invalid: ReadonlyArray<{ readonly checkId: number; readonly problems: readonly ParamProblem[] }>;
}

/**
 * A slot's jobs: each check of the schedule on each host assigned to it directly or through a host group
 * (a host reached both ways runs once). A mesh check runs on each host of its groups (its directly assigned
 * hosts count as one more group) with the other hosts of the groups it shares as `peers`.
 */
export function expandSlot(
  snapshot: SlotSnapshot,
  slotMs: number,
  fencingToken: number,
  parse: (kind: CheckKind, raw: unknown) => ParsedParams,
): SlotExpansion {
  const jobs: CheckJob[] = [];
  const invalid: Array<{ checkId: number; problems: readonly ParamProblem[] }> = [];
  for (const check of [...snapshot.checks].sort((a, b) => a.id - b.id)) {
    const parsed = parse(check.kind, check.params);
    if (!parsed.ok) {
      invalid.push({ checkId: check.id, problems: parsed.problems });
      continue;
    }
    const sets = hostSets(check, snapshot);
    const peersOf = check.kind === 'mesh' ? meshPeers(sets) : undefined;
    const hostIds = [...new Set(sets.flat())].sort((a, b) => a - b);
    for (const hostId of hostIds) {
      const host = snapshot.hosts.get(hostId);
      if (!host) continue;
      const peers = peersOf?.get(hostId);
      jobs.push({
        checkId: check.id,
        checkName: check.name,
        checkVersion: check.version,
        experimentId: check.experimentId,
        experiment: snapshot.experiment,
        kind: check.kind,
        params: parsed.params,
        ...(check.plugin !== undefined ? { plugin: check.plugin } : {}),
        timeoutMs: check.timeoutMs,
        host,
        ...(peers !== undefined ? { peers: peers.flatMap((id) => snapshot.hosts.get(id) ?? []) } : {}),
        scheduleId: snapshot.scheduleId,
        slotMs,
        fencingToken,
      });
    }
  }
  return { jobs, invalid };
}

/** The check's hosts as sets: its direct hosts (one set), then each host group's members. */
function hostSets(check: SlotCheck, snapshot: SlotSnapshot): number[][] {
  const sets: number[][] = [];
  if (check.hostIds.length > 0) sets.push([...check.hostIds]);
  for (const groupId of check.hostGroupIds) sets.push([...(snapshot.groups.get(groupId) ?? [])]);
  return sets;
}

/** Host -> the other hosts of every set it belongs to, sorted. */
function meshPeers(sets: readonly number[][]): Map<number, number[]> {
  const peers = new Map<number, Set<number>>();
  for (const set of sets) {
    for (const host of set) {
      let mine = peers.get(host);
      if (!mine) peers.set(host, (mine = new Set()));
      for (const other of set) if (other !== host) mine.add(other);
    }
  }
  return new Map([...peers].map(([host, set]) => [host, [...set].sort((a, b) => a - b)]));
}
