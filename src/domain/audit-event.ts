export type AuditOutcome = 'success' | 'failure';

/** AuditEvent records who did what to which resource, by pseudonymous id only: it never holds personal data. */
export interface AuditEvent {
  actor: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface StoredAuditEvent extends AuditEvent {
  id: number;
  at: Date;
}
