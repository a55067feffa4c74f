/** The policy API's representations (issue 15: openapi.yaml Policy, PolicyVerdictPage, PolicyRejection). */
export interface Policy {
  id: number;
  experiment: string;
  name: string;
  signature: string;
  formula: string;
  negate: boolean;
  generation: number;
  variables: string[];
  monitor: {
    first_tp: number;
    next_tp: number;
    last_ts: number | null;
    ended: boolean;
    replayed_events?: number | null;
    stored_events?: number | null;
  };
  created_at: string;
  updated_at: string;
}

export interface PolicyInput {
  experiment: string;
  name: string;
  signature: string;
  formula: string;
  negate: boolean;
}

export interface Verdict {
  tp: number;
  ts: number;
  tuples: Array<Array<number | string>>;
  variables: string[];
}

export interface VerdictPage {
  generation: number;
  variables: string[];
  items: Verdict[];
  next?: string;
}

export interface PolicyRejection {
  id: number;
  received_at: string;
  source: 'rest' | 'amqp';
  reason: string;
  body: string;
}
