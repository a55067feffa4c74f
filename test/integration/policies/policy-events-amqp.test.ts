import { eventually } from '../../support/eventually';
import { jsonTimePoints, logChunks, mfotlCases, type MfotlCase } from '../../support/mfotl-cases';
import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

/**
 * Issue 15, "Events also arrive over AMQP": a conformance case's log published on the policy events routing key
 * in several messages (the last with final) gives the verdicts of expected.txt; a malformed message is a
 * rejected message with its reason; a time point with a smaller timestamp is one of the policy's rejections.
 */
describe('policy events over AMQP', () => {
  let p: TestPlatform;
  let admin: string;
  const api = (method: string, url: string, body?: unknown): Promise<ApiResponse> => call(p.baseUrl, method, url, { token: admin, body });
  const publish = (body: unknown, messageId?: string) =>
    p.publish(typeof body === 'string' ? body : JSON.stringify(body), messageId === undefined ? {} : { messageId }, p.config.rabbit.policy.routingKey);

  beforeAll(async () => {
    p = await startPlatform({ components: ['amqp-policy-consumer'] });
    admin = await p.tokenFor(p.admin);
    expect((await api('POST', '/experiments', { code: 'AMQP-POL', name: 'policy events over AMQP' })).status).toBe(201);
  });
  afterAll(() => p.stop());

  async function createPolicy(c: MfotlCase, name = c.name): Promise<number> {
    const created = await api('POST', '/policies', { experiment: 'AMQP-POL', name, signature: c.sig, formula: c.mfotl, negate: c.negate });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    return created.body.id as number;
  }

  async function textVerdicts(id: number): Promise<string> {
    const response = await fetch(`${p.baseUrl}/policies/${id}/verdicts`, { headers: { authorization: `Bearer ${admin}`, accept: 'text/plain' } });
    expect(response.status).toBe(200);
    return response.text();
  }

  async function ended(id: number): Promise<{ next_tp: number; ended: boolean }> {
    const policy = await eventually(
      () => api('GET', `/policies/${id}`),
      (got) => got.body.monitor?.ended === true,
      { what: `policy ${id} ended` },
    );
    return policy.body.monitor as { next_tp: number; ended: boolean };
  }

  const cases = mfotlCases();
  // A past formula, a future one and a negated one; MonPoly's text for one, the JSON form for the others.
  const chosen = ['since-bounded', 'until-bounded', 'eventually-interval-negated'].map((name) => {
    const found = cases.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no conformance case ${name}`);
    return found;
  });

  it.each(chosen.map((c, i) => [c.name, i % 2 === 0 ? 'log' : 'events', c] as const))(
    '%s published in 4 messages (%s), the last with final: the verdicts equal expected.txt',
    async (_name, form, c) => {
      const id = await createPolicy(c);
      const pieces = logChunks(c.log, c.sig, 4);
      expect(pieces.length).toBe(4);
      for (const [i, piece] of pieces.entries()) {
        const final = i === pieces.length - 1;
        await publish(form === 'log' ? { policy: id, final, log: piece } : { policy: id, final, events: jsonTimePoints(piece, c.sig) });
      }
      const monitor = await ended(id);
      expect(monitor.next_tp).toBe(jsonTimePoints(c.log, c.sig).length);
      expect(await textVerdicts(id)).toBe(c.expected);
    },
  );

  it('stores a malformed message and one for an unknown policy as rejected messages with their reasons', async () => {
    await publish('{"policy": 1, "events": [', 'pol-malformed');
    await publish({ policy: 4000000000, events: [] }, 'pol-unknown');
    await publish({ policy: 1, events: [], finale: true }, 'pol-typo');
    const byId = await eventually(
      async () => {
        const list = await api('GET', '/exceptions?limit=100');
        expect(list.status).toBe(200);
        return new Map((list.body.items as { message_id: string; reason: string; detail: string; routing_key: string }[]).map((item) => [item.message_id, item]));
      },
      (items) => ['pol-malformed', 'pol-unknown', 'pol-typo'].every((id) => items.has(id)),
      { what: 'the three rejected messages' },
    );
    expect(byId.get('pol-malformed')).toMatchObject({ reason: 'malformed-json', detail: 'not valid JSON', routing_key: p.config.rabbit.policy.routingKey });
    expect(byId.get('pol-unknown')).toMatchObject({ reason: 'unknown-policy', detail: 'unknown policy: 4000000000' });
    expect(byId.get('pol-typo')).toMatchObject({ reason: 'schema-violation', detail: expect.stringContaining('"finale"') });
  });

  it("stores a time point with a smaller timestamp as one of the policy's rejections; the others are fed", async () => {
    const c = chosen[0] as MfotlCase;
    const id = await createPolicy(c, 'smaller-timestamp');
    await publish({ policy: id, events: [{ ts: 10, events: [{ pred: 'p', args: [1] }] }, { ts: 20, events: [] }] });
    await publish({ policy: id, events: [{ ts: 15, events: [{ pred: 'q', args: [1] }] }, { ts: 25, events: [] }] });
    // Both messages were taken: the second's last time point is fed (next_tp 3), its first refused.
    const policy = await eventually(
      () => api('GET', `/policies/${id}`),
      (got) => got.body.monitor?.next_tp === 3,
      { what: 'three time points fed' },
    );
    expect(policy.body.monitor).toMatchObject({ next_tp: 3, last_ts: 25, ended: false });
    const list = await api('GET', `/policies/${id}/rejections`);
    expect(list.status).toBe(200);
    const rejections = list.body.items as { source: string; reason: string; body: string }[];
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ source: 'amqp', reason: expect.stringMatching(/15 is smaller than the previous one \(20\)/) });
    expect(JSON.parse(rejections[0]!.body)).toMatchObject({ ts: 15 });
  });

  it('feeds a redelivered message (same message id: its ack was lost after the commit) only once', async () => {
    const c = chosen[0] as MfotlCase;
    const id = await createPolicy(c, 'redelivered');
    const message = { policy: id, events: [{ ts: 5, events: [{ pred: 'p', args: [1] }] }, { ts: 5, events: [] }] };
    await publish(message, 'delivery-1');
    await publish(message, 'delivery-1');
    await publish({ policy: id, events: [{ ts: 6, events: [] }] }, 'delivery-2');
    // Fed again, the second copy's time points (timestamp 5, the last one) would be accepted: next_tp 5.
    const policy = await eventually(
      () => api('GET', `/policies/${id}`),
      (got) => got.body.monitor?.last_ts === 6,
      { what: 'the third message fed' },
    );
    expect(policy.body.monitor).toMatchObject({ next_tp: 3, last_ts: 6 });
    const rejections = await api('GET', `/policies/${id}/rejections`);
    expect(rejections.body.items).toEqual([]);
  });
});
