/** The experiment representations only these pages read (openapi.yaml Experiment, Series, Aggregate). */
export interface Experiment {
  id: number;
  code: string;
  name: string;
  description?: string | null;
  created_at: string;
  updated_at: string;
}

export interface Series {
  id: number;
  metric: string;
  source?: string | null;
  unit?: string | null;
  tags?: Record<string, string>;
}

export interface Aggregate {
  step: string;
  fn: string;
  series: Array<Series & { points: Array<{ timestamp: string; value: number | null; count: number }> }>;
}

export function seriesLabel(s: Series): string {
  const tags = Object.entries(s.tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${s.metric}${s.source ? ` @ ${s.source}` : ''}${tags ? ` {${tags}}` : ''}${s.unit ? ` (${s.unit})` : ''}`;
}
