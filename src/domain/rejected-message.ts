/** Why a delivered message could not be stored. The slugs are stable: audit dashboards group by them. */
export const REJECTION_REASONS = [
  'malformed-json',
  'schema-violation',
  'unknown-experiment',
  'oversize',
  'empty',
  'storage-error',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** RejectedMessage ("exception" in the API) keeps what the broker delivered and why it was not stored. */
export interface RejectedMessage {
  id: number;
  receivedAt: Date;
  reason: RejectionReason;
  detail: string;
  messageId: string | null;
  routingKey: string | null;
  contentType: string | null;
  body: Buffer;
  bodyTruncated: boolean;
}

export type NewRejectedMessage = Omit<RejectedMessage, 'id' | 'receivedAt'>;
