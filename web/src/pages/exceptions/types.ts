/** openapi.yaml RejectedMessage, as the rejected-message pages read it. */
export const REASONS = ['malformed-json', 'schema-violation', 'unknown-experiment', 'oversize', 'empty', 'storage-error'] as const;
export type RejectionReason = (typeof REASONS)[number];

export interface RejectedMessage {
  id: number;
  received_at: string;
  reason: RejectionReason;
  detail: string;
  message_id?: string | null;
  routing_key?: string | null;
  content_type?: string | null;
  body?: string;
  body_truncated?: boolean;
  body_sha256?: string | null;
  partial?: boolean;
  refused_measures?: Array<{ index: number; reason: RejectionReason; detail: string }> | null;
}
