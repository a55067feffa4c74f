import { TYPES } from '../../../src/identifiers';
import type { TicketSink } from '../../../src/notify/receivers/receiver';
import type { ConsolePlatform } from './platform';

/**
 * A ticket opened as the notification stage opens one: a notification of one critical alert `name` of the
 * experiment (its id) handed to the platform's TicketSink. `labels` and `annotations` are added to the alert.
 */
export async function openTicket(
  platform: ConsolePlatform,
  name: string,
  experimentId: number,
  extra: { labels?: ReadonlyArray<[string, string]>; annotations?: ReadonlyArray<[string, string]> } = {},
): ReturnType<TicketSink['fromNotification']> {
  const now = Date.now();
  const sink = platform.container.get<TicketSink>(TYPES.TicketSink);
  return sink.fromNotification(
    { sendResolved: true, reopenWindowMs: 3_600_000, autoResolve: true },
    {
      receiver: 'ops',
      groupKey: `{}:{alertname="${name}"}`,
      groupLabels: new Map([['alertname', name]]),
      alerts: [
        {
          fingerprint: Buffer.from(name).toString('hex').padEnd(16, '0').slice(0, 16),
          labels: new Map([['alertname', name], ['severity', 'critical'], ...(extra.labels ?? [])]),
          annotations: new Map(extra.annotations ?? []),
          startsAtMs: now - 60_000,
          endsAtMs: now + 300_000,
          endsAtGiven: false,
          updatedAtMs: now,
          generatorURL: '',
          experimentId,
          origin: 'api',
        },
      ],
      nowMs: now,
      externalURL: 'http://mymonit',
      templates: [],
    },
  );
}
