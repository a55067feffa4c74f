import type { LabelSet, NotifyAlert } from '../alert';
import { alertStatus, type AlertStatus } from '../alert';
import { goQuoteMeta } from './go-format';

/** A label or annotation set as templates see it (Alertmanager's template.KV). */
export type KV = ReadonlyMap<string, string>;

/** One alert as templates and the webhook see it (Alertmanager's template.Alert). */
export interface TemplateAlert {
  readonly status: AlertStatus;
  readonly labels: KV;
  readonly annotations: KV;
  readonly startsAtMs: number;
  /** undefined while the alert fires: Alertmanager does not expose an end not yet reached (Go's zero time). */
  readonly endsAtMs: number | undefined;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** The data of notification templates and webhook pushes (Alertmanager's template.Data). */
export interface TemplateData {
  readonly receiver: string;
  readonly status: AlertStatus;
  readonly alerts: readonly TemplateAlert[];
  readonly groupLabels: KV;
  readonly commonLabels: KV;
  readonly commonAnnotations: KV;
  readonly externalURL: string;
}

export interface TemplateInput {
  readonly receiver: string;
  readonly groupLabels: LabelSet;
  readonly alerts: readonly NotifyAlert[];
  readonly nowMs: number;
  readonly externalURL: string;
}

/** The labels (or annotations) every alert has with the same value. */
function common(sets: readonly KV[]): Map<string, string> {
  const first = sets[0];
  const result = new Map(first ?? []);
  for (const set of sets.slice(1)) {
    if (result.size === 0) break;
    for (const [name, value] of result) if (set.get(name) !== value) result.delete(name);
  }
  return result;
}

/** Assembles the data as Alertmanager's Template.Data does (receiver name regexp-quoted, as there). */
export function templateData(input: TemplateInput): TemplateData {
  const alerts = input.alerts.map((a): TemplateAlert => {
    const status = alertStatus(a, input.nowMs);
    return {
      status,
      labels: a.labels,
      annotations: a.annotations,
      startsAtMs: a.startsAtMs,
      endsAtMs: status === 'resolved' ? a.endsAtMs : undefined,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    };
  });
  return {
    receiver: goQuoteMeta(input.receiver),
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: new Map(input.groupLabels),
    commonLabels: common(input.alerts.map((a) => a.labels)),
    commonAnnotations: common(input.alerts.map((a) => a.annotations)),
    externalURL: input.externalURL,
  };
}
