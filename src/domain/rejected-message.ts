/** Why a delivered message could not be stored. The slugs are stable: audit dashboards group by them. */
export const REJECTION_REASONS = [
  'malformed-json',
  'schema-violation',
  'unknown-experiment',
  'oversize',
  'empty',
  'storage-error',
  'unknown-policy',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** One measure of a message that was refused while the others could be judged one by one. */
export interface RefusedMeasure {
  /** Its position in the delivered message's list of measures (0-based). */
  index: number;
  reason: RejectionReason;
  detail: string;
}

/** RejectedMessage ("exception" in the API) keeps what the broker delivered and why it was not stored. */
export interface RejectedMessage {
  id: number;
  receivedAt: Date;
  reason: RejectionReason;
  detail: string;
  messageId: string | null;
  routingKey: string | null;
  contentType: string | null;
  /**
   * What a replay publishes: the body as delivered, or, when `partial`, a JSON array of the refused
   * measures only, in the order of `refusedMeasures`.
   */
  body: Buffer;
  bodyTruncated: boolean;
  /** SHA-256 of the body as delivered (whole, even when `body` is a prefix or only the refused measures). */
  bodySha256: Buffer | null;
  /** Some measures of the message were stored; `body` holds the others. */
  partial: boolean;
  /** The measures refused one by one, by index; null when the message was judged whole (not JSON, bad shape...). */
  refusedMeasures: RefusedMeasure[] | null;
}

export type NewRejectedMessage = Omit<RejectedMessage, 'id' | 'receivedAt'>;
