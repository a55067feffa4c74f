import { TYPES } from '../../../src/identifiers';
import type { MeasureService } from '../../../src/services/measure-service';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/** Each row of the README's bad-input table, over real HTTP, MySQL and RabbitMQ. */
describe('bad input gets a clear answer', () => {
  let p: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform({ consume: true, env: { REST_BODY_LIMIT: '2kb', MAX_MESSAGE_BYTES: '4096' } });
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'EXP', name: 'Known' } });
  });
  afterAll(() => p.stop());

  describe('over REST: problem+json', () => {
    const problems: Array<[string, () => Promise<{ status: number; body: { type: string } }>, number, string]> = [
      ['malformed JSON', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, rawBody: '{"code": "X",' }), 400, 'malformed-json'],
      ['a wrong type', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'X', name: 42 } }), 400, 'validation'],
      ['a missing field', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'X' } }), 400, 'validation'],
      ['an unknown field', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'X', name: 'x', owner: 'me' } }), 400, 'validation'],
      ['an invalid email', () => call(p.baseUrl, 'POST', '/users', { token: admin, body: { user_id: 'a', name: 'a', username: 'a', email: 'not-an-email', role: 'SCIENTIST' } }), 400, 'validation'],
      ['an unknown role', () => call(p.baseUrl, 'POST', '/users', { token: admin, body: { user_id: 'a', name: 'a', username: 'a', email: 'a@b.org', role: 'ROOT' } }), 400, 'validation'],
      ['an oversize body', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'X', name: 'x', description: 'y'.repeat(5000) } }), 413, 'payload-too-large'],
      ['a wrong content type', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, rawBody: 'code=X', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type'],
      ['an unknown query parameter', () => call(p.baseUrl, 'GET', '/experiments?colour=red', { token: admin }), 400, 'validation'],
      ['a limit out of range', () => call(p.baseUrl, 'GET', '/experiments?limit=0', { token: admin }), 400, 'validation'],
      ['a forged cursor', () => call(p.baseUrl, 'GET', '/experiments?cursor=bm90LWEtY3Vyc29y', { token: admin }), 400, 'validation'],
      ['a bad date in a range', () => call(p.baseUrl, 'GET', '/experiments/EXP/measures?from=yesterday', { token: admin }), 400, 'validation'],
      ['an aggregate step without a unit', () => call(p.baseUrl, 'GET', '/experiments/EXP/measures/aggregate?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&step=60', { token: admin }), 400, 'validation'],
      ['an unknown aggregate fn', () => call(p.baseUrl, 'GET', '/experiments/EXP/measures/aggregate?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&step=1h&fn=median', { token: admin }), 400, 'validation'],
      ['a non-numeric id', () => call(p.baseUrl, 'GET', '/users/abc', { token: admin }), 400, 'validation'],
      ['a duplicate experiment code', () => call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'EXP', name: 'again' } }), 409, 'conflict'],
      ['an unknown route', () => call(p.baseUrl, 'GET', '/nothing-here', { token: admin }), 404, 'not-found'],
      ['an unsupported method', () => call(p.baseUrl, 'PUT', '/experiments', { token: admin, body: {} }), 405, 'method-not-allowed'],
    ];

    it.each(problems)('%s', async (_label, request, status, type) => {
      const response = await request();
      expect(response.status).toBe(status);
      expect(response.body.type).toBe(`https://mymonit.dev/problems/${type}`);
      expect(JSON.stringify(response.body)).not.toMatch(/at .+\.(ts|js):\d+/);
    });
  });

  describe('over AMQP: a stored rejection with its reason', () => {
    const measure = { experiment: 'EXP', metric: 'm', value: 1, timestamp: 1_700_000_000_000 };
    const rejections: Array<[string, Buffer | string | object, string]> = [
      ['malformed JSON', '{"experiment": "EXP", ', 'malformed-json'],
      ['a wrong type', { ...measure, value: 'hot' }, 'schema-violation'],
      ['a missing field', { experiment: 'EXP', metric: 'm', value: 1 }, 'schema-violation'],
      ['an unknown experiment', { ...measure, experiment: 'NOPE' }, 'unknown-experiment'],
      ['an oversize message', [measure, { ...measure, metric: 'x'.repeat(5000) }], 'oversize'],
      ['an empty body', Buffer.alloc(0), 'empty'],
    ];

    it.each(rejections)('%s', async (label, body, reason) => {
      const messageId = `bad-${label.replace(/\s+/g, '-')}`;
      await p.publish(body, { messageId });
      const found = await eventually(
        () => call(p.baseUrl, 'GET', `/exceptions?reason=${reason}`, { token: admin }),
        (r) => r.body.items.some((m: { message_id: string }) => m.message_id === messageId),
      );
      const item = found.body.items.find((m: { message_id: string }) => m.message_id === messageId);
      expect(item.detail.length).toBeGreaterThan(0);
      const full = await call(p.baseUrl, 'GET', `/exceptions/${item.id}`, { token: admin });
      const sent = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      expect(Buffer.from(full.body.body_base64, 'base64').equals(sent)).toBe(true);
    });

    it('the consumer stays up: a good message after the bad ones is stored', async () => {
      await p.publish({ ...measure, value: 7 });
      const page = await eventually(
        () => call(p.baseUrl, 'GET', '/experiments/EXP/measures', { token: admin }),
        (r) => r.body.items.some((m: { value: number }) => m.value === 7),
      );
      expect(page.status).toBe(200);
    });

    it('an ADMIN discards a rejected message', async () => {
      const service = p.container.get<MeasureService>(TYPES.MeasureService);
      const outcome = await service.reject({ body: Buffer.from('x'), messageId: 'discard-me', routingKey: null, contentType: null }, 'malformed-json', 'test');
      if (outcome.kind !== 'rejected') throw new Error('expected a rejection');
      expect((await call(p.baseUrl, 'DELETE', `/exceptions/${outcome.rejectionId}`, { token: admin })).status).toBe(204);
      expect((await call(p.baseUrl, 'GET', `/exceptions/${outcome.rejectionId}`, { token: admin })).status).toBe(404);
    });
  });
});
