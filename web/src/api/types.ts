/** Types of the API's representations (openapi.yaml components/schemas), as the console reads them. */
export type Role = 'ADMIN' | 'SCIENTIST';

export interface User {
  id: number;
  pseudonym: string;
  user_id: string | null;
  name: string | null;
  username: string | null;
  email: string | null;
  role: Role;
  created_at: string;
  updated_at: string;
}

export type HealthState = 'ok' | 'minor' | 'major' | 'critical' | 'unknown' | 'degraded' | 'no_data';

export interface HealthSummary {
  kind: 'host' | 'service';
  id: number;
  name: string;
  experiment: string;
  state: HealthState;
  reason: string;
  since?: string;
}

export interface HealthReport {
  services: HealthSummary[];
  hosts: HealthSummary[];
}

export type Severity = 'ok' | 'minor' | 'major' | 'critical' | 'unknown';

export interface Alert {
  rule: number;
  group: number;
  experiment: string;
  alertname: string;
  fingerprint: string;
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  severity: Severity;
  reason?: string;
  value: string;
  active_at: string;
  fired_at?: string;
  last_evaluation: string;
}

export type TicketState = 'open' | 'acknowledged' | 'resolved' | 'closed';

export interface Ticket {
  id: number;
  state: TicketState;
  priority: 'critical' | 'major' | 'minor' | 'unknown';
  assignee: number | null;
  receiver: string;
  group_key: string;
  group_labels: Record<string, string>;
  experiments: string[];
  current: boolean;
  reopen_count: number;
  auto_resolved: boolean;
  opened_at: string;
  reopened_at?: string;
  acknowledged_at?: string;
  resolved_at?: string;
  closed_at?: string;
  time_to_resolve_ms?: number;
  updated_at: string;
  time_to_acknowledge_ms?: number;
  alerts: Array<{ fingerprint: string; status: 'firing' | 'resolved'; labels: Record<string, string> }>;
}

/** GET /ui-config: how the console signs in. */
export interface UiConfig {
  mode: 'local' | 'oidc' | 'firebase';
  oidc?: { issuer: string; client_id: string; scope: string };
  firebase?: { apiKey: string; authDomain: string; projectId: string };
}
