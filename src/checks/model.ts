/**
 * The checks model (issue 14, Prophasis's): hosts, host groups, checks, schedules and services, each
 * belonging to one experiment (ADR 0008). Tables: migration 015. Plain data, no I/O.
 */
import type { Classifier } from '../alerting/rules/rule';

export const CHECK_KINDS = ['http', 'tcp', 'dns', 'tls', 'probe', 'plugin', 'mesh'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];
/** Run by the core itself (src/checks/builtin/). */
export const BUILTIN_CHECK_KINDS = ['http', 'tcp', 'dns', 'tls', 'probe'] as const satisfies readonly CheckKind[];
/** Run by agents (adapters/agent/): a plugin on the host's agent, or a mesh among a host group's agents. */
export const AGENT_CHECK_KINDS = ['plugin', 'mesh'] as const satisfies readonly CheckKind[];

/** How a check run ended. `missed`: the slot was not started within the schedule's maximum lateness. */
export const CHECK_OUTCOMES = ['ok', 'failed', 'timeout', 'error', 'missed'] as const;
export type CheckOutcomeName = (typeof CHECK_OUTCOMES)[number];

export interface Host {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
  /** What built-in checks connect to: a host name or an IP literal. */
  readonly address: string;
  /** The agent (by the name it announces) that runs this host's plugin and mesh checks. */
  readonly agent?: string;
  readonly description: string;
}

export interface HostGroup {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
  readonly description: string;
  readonly hostIds: readonly number[];
}

export interface Check {
  readonly id: number;
  readonly experimentId: number;
  /** The metric of its results' measures. */
  readonly name: string;
  readonly kind: CheckKind;
  /** Validated for the kind by parseCheckParams (src/checks/params.ts). */
  readonly params: CheckParams;
  /** plugin checks: the plugin's name. */
  readonly plugin?: string;
  readonly timeoutMs: number;
  /** Absent: ok when the run succeeded, critical when it failed or timed out, unknown on error or a missed slot. */
  readonly classifier?: Classifier;
  readonly hostIds: readonly number[];
  readonly hostGroupIds: readonly number[];
  readonly version: number;
}

/** One interval of a schedule: slots at startMs + k * periodMs. */
export interface ScheduleInterval {
  readonly id: number;
  readonly startMs: number;
  readonly periodMs: number;
}

export interface Schedule {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
  readonly maxLatenessMs: number;
  readonly intervals: readonly ScheduleInterval[];
  readonly checkIds: readonly number[];
  readonly version: number;
}

/** A member of a redundancy group: a host, or a host group standing for each of its hosts. */
export type RedundancyMember = { readonly hostId: number } | { readonly hostGroupId: number };

export interface RedundancyGroup {
  readonly id: number;
  readonly name: string;
  readonly members: readonly RedundancyMember[];
}

export interface Service {
  readonly id: number;
  readonly experimentId: number;
  readonly name: string;
  readonly description: string;
  /** Hosts the service depends on: each must be healthy. */
  readonly dependencies: readonly number[];
  readonly redundancyGroups: readonly RedundancyGroup[];
}

// ---- Parameters per kind (JSON objects on the wire; validated by parseCheckParams) ----

export interface HttpCheckParams {
  readonly kind: 'http';
  /** http:// or https://; `{address}` is replaced by the host's address. */
  readonly url: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly headers: ReadonlyMap<string, string>;
  readonly body?: string;
  /** Status codes that count as success (default: 200-399). */
  readonly expectStatus: readonly number[];
  /** A substring (or, with bodyRegex, an RE2 regex) the body must contain. */
  readonly bodyMatch?: string;
  readonly bodyRegex: boolean;
  /** https: verify the certificate chain (default true); days left are reported either way. */
  readonly verifyTls: boolean;
}

export interface TcpCheckParams {
  readonly kind: 'tcp';
  readonly port: number;
}

export interface DnsCheckParams {
  readonly kind: 'dns';
  /** The name to resolve (default: the host's address). */
  readonly name?: string;
  readonly recordType: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS';
  /** A DNS server as an IP address with an optional port (`10.0.0.53`, `10.0.0.53:5353`, `[::1]:53`); default: the system's resolver. */
  readonly server?: string;
  /** When set, one answer must equal it. */
  readonly expect?: string;
}

export interface TlsCheckParams {
  readonly kind: 'tls';
  readonly port: number;
  /** SNI and the name verified (default: the host's address). */
  readonly serverName?: string;
  /** Days left below which the run fails (default 0: fails only when expired or invalid). */
  readonly minDaysLeft: number;
}

export interface ProbeStep {
  readonly name: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body?: string;
  readonly expectStatus: readonly number[];
  readonly bodyMatch?: string;
}

/** A scripted sequence of HTTP requests (the data lake's upload / download / delete probes); stops at the first failing step. */
export interface ProbeCheckParams {
  readonly kind: 'probe';
  readonly steps: readonly ProbeStep[];
}

export interface PluginCheckParams {
  readonly kind: 'plugin';
  /** Arguments passed to the plugin's entry point. */
  readonly args: readonly string[];
}

/** Every agent of the host group probes every other one's address on `port`: latency and TCP connect. */
export interface MeshCheckParams {
  readonly kind: 'mesh';
  readonly port: number;
}

export type CheckParams =
  | HttpCheckParams
  | TcpCheckParams
  | DnsCheckParams
  | TlsCheckParams
  | ProbeCheckParams
  | PluginCheckParams
  | MeshCheckParams;
