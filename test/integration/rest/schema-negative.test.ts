import { TYPES } from '../../../src/identifiers';
import type { TicketSink } from '../../../src/notify/receivers/receiver';
import type { MeasureService } from '../../../src/services/measure-service';
import { negativeCases, operations, type NegativeCase, type Operations, type Valid } from '../../support/negative-cases';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * The schema-driven negative test: every operation of openapi.yaml, every parameter and body property,
 * wrong type, out of range, huge, bad format, sent by an ADMIN (so that authorization refuses nothing
 * early). Not one may answer 5xx; responses are validated against openapi.yaml (REST_VALIDATE_RESPONSES).
 */
describe('the schema-driven negative test', () => {
  let p: TestPlatform;
  let admin: string;
  let counter = 0;
  const unique = () => `neg${++counter}`;

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
  });
  afterAll(() => p.stop());

  /** Fresh records for each operation, so that a case that does succeed (a valid edge) leaves the next ones theirs. */
  async function validFor(): Promise<Valid> {
    const code = `NEG-${unique()}`;
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: 'Negative' } });
    // A stored measure: queries with a series reach the date arithmetic and SQL that an empty experiment skips.
    await p.publish({ experiment: code, metric: 'm', source: '127.0.0.1:9100', value: 1, timestamp: '2026-11-01T00:30:00Z' });
    await eventually(
      () => call(p.baseUrl, 'GET', `/experiments/${code}/series`, { token: admin }),
      (r) => r.status === 200 && r.body.items.length === 1,
    );
    const user = await p.createUser('SCIENTIST');
    const service = p.container.get<MeasureService>(TYPES.MeasureService);
    const outcome = await service.reject({ body: Buffer.from('{'), messageId: unique(), routingKey: null, contentType: null }, 'malformed-json', 'negative test');
    if (outcome.kind !== 'rejected') throw new Error('expected a rejection');
    const now = Date.now();
    const ticket = await p.container.get<TicketSink>(TYPES.TicketSink).fromNotification(
      { sendResolved: true, reopenWindowMs: 0, autoResolve: true },
      {
        receiver: 'ops',
        groupKey: `{}:{alertname="${unique()}"}`,
        groupLabels: new Map(),
        alerts: [{ fingerprint: '00000000000000b1', labels: new Map([['alertname', 'N']]), annotations: new Map(), startsAtMs: now - 1_000, endsAtMs: now + 300_000, endsAtGiven: false, updatedAtMs: now, generatorURL: '', origin: 'api' }],
        nowMs: now,
        externalURL: '',
        templates: [],
      },
    );
    const paths = new Map([
      ['code', code],
      ['userId', String(user.id)],
      ['exceptionId', String(outcome.rejectionId)],
      ['ticketId', String(ticket.ticketId)],
    ]);
    const query = new Map([
      ['from', '2026-11-01T00:00:00Z'],
      ['to', '2026-11-02T00:00:00Z'],
      ['step', '1h'],
      ['limit', '10'],
    ]);
    return {
      path: (name) => paths.get(name) ?? 'missing',
      query: (_op: Operations, name) => query.get(name),
      body: (op) => {
        const id = unique();
        if (op.path === '/users' && op.method === 'POST') return { user_id: id, name: 'N', username: `${id}-uid`, email: `${id}@example.org`, role: 'SCIENTIST' };
        if (op.path === '/experiments' && op.method === 'POST') return { code: `E-${id}`, name: 'N' };
        if (op.path === '/tickets/{ticketId}/assign') return { assignee: p.admin.id };
        if (op.path === '/tickets/{ticketId}/comments') return { body: `comment ${id}` };
        if (op.path.startsWith('/tickets/')) return { comment: `comment ${id}` };
        return { name: `renamed ${id}` };
      },
    };
  }

  it('answers 4xx (or a valid 2xx/3xx) to every bad input, never 5xx', async () => {
    // Deletions last: a case that deletes its record must not take the records of other operations along.
    const ordered = operations().sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const counts = { sent: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    const failures: Array<{ case: string; status: number; detail?: string }> = [];
    for (const op of ordered) {
      const cases: NegativeCase[] = negativeCases(op, await validFor());
      for (const c of cases) {
        const response = await call(p.baseUrl, c.method, c.path, { token: admin, body: c.body, rawBody: c.rawBody, headers: c.headers });
        counts.sent += 1;
        const klass = `${Math.floor(response.status / 100)}xx` as keyof typeof counts;
        counts[klass] += 1;
        // openapi.yaml declares both on every response.
        if (!response.headers.get('x-request-id') || !response.headers.get('x-mymonit-instance')) {
          failures.push({ case: `${c.label} (headers)`, status: response.status, detail: 'X-Request-Id or X-MyMONIT-Instance missing' });
        }
        if (response.status < 500) continue;
        failures.push({ case: c.label, status: response.status, detail: response.body?.detail });
      }
    }
    console.log(
      `schema-driven negative test: ${counts.sent} requests over ${ordered.length} operations; ` +
        `2xx ${counts['2xx']}, 3xx ${counts['3xx']}, 4xx ${counts['4xx']}, 5xx ${counts['5xx']}`,
    );
    expect(failures).toEqual([]);
    expect(counts['5xx']).toBe(0);
    expect(counts.sent).toBeGreaterThan(1000);
  }, 600_000);
});
