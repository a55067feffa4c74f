import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

/** Edges of the policy routes found in review (issue 15, R15): each case failed before its fix. */
describe('policy routes at the edges', () => {
  let p: TestPlatform;
  let admin: string;
  const api = (method: string, url: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
    call(p.baseUrl, method, url, { token: admin, ...options });
  const log = (id: number, text: string, query = ''): Promise<ApiResponse> =>
    api('POST', `/policies/${id}/events${query}`, { rawBody: text, headers: { 'content-type': 'text/plain' } });
  const create = async (body: Record<string, unknown>): Promise<number> => {
    const response = await api('POST', '/policies', { body: { experiment: 'EDGES', ...body } });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body.id as number;
  };

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    expect((await api('POST', '/experiments', { body: { code: 'EDGES', name: 'edges' } })).status).toBe(201);
  });
  afterAll(async () => {
    await p.stop();
  });

  it("a log's time point that does not fit the signature is refused alone (422 naming it), as a JSON one; the others are committed", async () => {
    const id = await create({ name: 'log-misfits', signature: 'p(x:int)\nq(s:string)', formula: 'p(x)' });
    const text = ['@1 p(1)', '@2 r(7) p(2)', '@3 p(3)', '@4 p(1,2)', '@5 p(1.5) q(a)', '@6 p()', '@7 hb', '@8 p(8)'].join('\n');
    const answer = await log(id, text);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ accepted: 3, next_tp: 3, ended: false });
    const rejected = answer.body.rejected as { index: number; ts: number; reason: string }[];
    expect(rejected.map((r) => [r.index, r.ts])).toEqual([
      [1, 2],
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 7],
    ]);
    expect(rejected[0]?.reason).toBe('time point 1 (log 2:1): log 2:4: the predicate r is not in the signature');
    expect(rejected[1]?.reason).toMatch(/^time point 3 \(log 4:1\): log 4:\d+: p takes 1 argument\(s\)/);
    expect(rejected[2]?.reason).toBe("time point 4 (log 5:1): log 5:6: argument 1 of p: '1.5' is not an int");
    expect(rejected[3]?.reason).toMatch(/^time point 5 \(log 6:1\): log 6:\d+: p takes 1 argument\(s\), found 0/);
    expect(rejected[4]?.reason).toMatch(/^time point 6 \(log 7:1\): log 7:4: the predicate hb is not in the signature/);
    // Only @1, @3 and @8 were fed: their verdicts, numbered 0, 1, 2.
    const verdicts = await api('GET', `/policies/${id}/verdicts`, { headers: { accept: 'text/plain' } });
    expect(verdicts.body).toBe('@1 (time point 0): (1)\n@3 (time point 1): (3)\n@8 (time point 2): (8)\n');
    expect((await api('GET', `/policies/${id}/rejections`)).body.items).toHaveLength(rejected.length);
    // A syntax error still refuses the whole log (400), nothing fed.
    const broken = await log(id, '@9 p(9)\n@10 p(');
    expect(broken.status).toBe(400);
    expect((await api('GET', `/policies/${id}`)).body.monitor.next_tp).toBe(3);
  });

  it('a reason quoting a very long predicate name or timestamp text is cut, stored and answered (it was a 500: policy_rejections.reason is a TEXT)', async () => {
    const id = await create({ name: 'long-reasons', signature: 'p(x:int)', formula: 'p(x)' });
    const longName = 'x'.repeat(70_000);
    const json = await api('POST', `/policies/${id}/events`, { body: [{ ts: 1, events: [{ pred: longName, args: [] }] }, { ts: 2, events: [{ pred: 'p', args: [2] }] }] });
    expect({ status: json.status, accepted: json.body.accepted }).toEqual({ status: 422, accepted: 1 });
    const jsonReason = json.body.rejected[0].reason as string;
    expect(jsonReason.startsWith('time point 0: event 1: the predicate xxx')).toBe(true);
    expect(jsonReason.length).toBeLessThan(longName.length);
    const logged = await log(id, `@3 ${'y'.repeat(70_000)}(1)\n@4 p(4)`);
    expect({ status: logged.status, accepted: logged.body.accepted }).toEqual({ status: 422, accepted: 1 });
    const timestamp = await log(id, `@${'1x'.repeat(40_000)}`);
    expect(timestamp.status).toBe(400);
    expect(timestamp.body.detail).toMatch(/^log 1:1: the timestamp '1x1x/);
    const rejections = await api('GET', `/policies/${id}/rejections`);
    expect(rejections.body.items.map((r: { reason: string }) => r.reason)).toEqual([jsonReason, logged.body.rejected[0].reason, timestamp.body.detail]);
    expect((await api('GET', `/policies/${id}`)).body.monitor.next_tp).toBe(2);
  });

  it('a change whose signature gives a predicate with stored events inside the window another arity is refused (400 naming signature), as another type is', async () => {
    const id = await create({ name: 'arity', signature: 'p(x:int)', formula: 'p(x)' });
    expect((await log(id, '@1 p(1)\n@2 p(2)')).status).toBe(200);
    const body = (signature: string, formula: string) => ({ body: { experiment: 'EDGES', name: 'arity', signature, formula } });
    const arity = await api('PUT', `/policies/${id}`, body('p(x:int,y:int)', 'ONCE p(x,y)'));
    expect({ status: arity.status, path: arity.body.errors?.[0]?.path }).toEqual({ status: 400, path: 'signature' });
    expect(arity.body.detail).toMatch(/^signature: the stored events inside the new formula's window do not fit it: .*p takes 2 argument\(s\)/);
    const typed = await api('PUT', `/policies/${id}`, body('p(x:string)', 'ONCE p(x)'));
    expect({ status: typed.status, path: typed.body.errors?.[0]?.path }).toEqual({ status: 400, path: 'signature' });
    expect((await api('GET', `/policies/${id}`)).body).toMatchObject({ generation: 1, signature: 'p(x:int)' });
    // Events the new formula does not read (no atom of p) do not stop the change.
    const outside = await api('PUT', `/policies/${id}`, body('p(x:int,y:int)\nq(z:int)', 'q(z)'));
    expect({ status: outside.status, generation: outside.body.generation, replayed: outside.body.monitor.replayed_events }).toEqual({ status: 200, generation: 2, replayed: 0 });
  });

  it('?generation= selects that generation (it was ignored: the current one answered); an unknown one is a 404', async () => {
    const id = await create({ name: 'generations', signature: 'p(x:int)', formula: 'p(x)' });
    expect((await log(id, '@1 p(1)\n@2 p(2)')).status).toBe(200);
    const changed = await api('PUT', `/policies/${id}`, { body: { experiment: 'EDGES', name: 'generations', signature: 'p(x:int)', formula: 'p(x) AND x > 5' } });
    expect(changed.body.generation).toBe(2);
    expect((await log(id, '@3 p(3)\n@4 p(7)')).status).toBe(200);
    const first = await api('GET', `/policies/${id}/verdicts?generation=1`);
    expect(first.body).toMatchObject({ generation: 1, items: [{ tp: 0 }, { tp: 1 }] });
    const firstText = await api('GET', `/policies/${id}/verdicts?generation=1`, { headers: { accept: 'text/plain' } });
    expect(firstText.body).toBe('@1 (time point 0): (1)\n@2 (time point 1): (2)\n');
    expect((await api('GET', `/policies/${id}/verdicts`)).body).toMatchObject({ generation: 2, items: [{ tp: 3, ts: 4, tuples: [[7]] }] });
    expect((await api('GET', `/policies/${id}/verdicts?generation=2`)).body).toMatchObject({ generation: 2, items: [{ tp: 3 }] });
    const unknown = await api('GET', `/policies/${id}/verdicts?generation=3`);
    expect({ status: unknown.status, detail: unknown.body.detail }).toEqual({ status: 404, detail: `policy ${id} has no generation 3` });
  });

  it('verdicts for an Accept that allows neither JSON nor text are a 406 problem+json (it answered JSON); wildcards and q-values still choose', async () => {
    const id = await create({ name: 'accept', signature: 'p(x:int)', formula: 'p(x)' });
    expect((await log(id, '@5 p(7)')).status).toBe(200);
    const refused = await api('GET', `/policies/${id}/verdicts`, { headers: { accept: 'application/xml' } });
    expect(refused.status).toBe(406);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/application\/json or text\/plain/);
    const text = await api('GET', `/policies/${id}/verdicts`, { headers: { accept: 'application/xml, text/*;q=0.5' } });
    expect({ status: text.status, type: text.headers.get('content-type') }).toEqual({ status: 200, type: 'text/plain; charset=utf-8' });
    const json = await api('GET', `/policies/${id}/verdicts`, { headers: { accept: '*/*' } });
    expect(json.body).toMatchObject({ items: [{ tp: 0, ts: 5, tuples: [[7]] }] });
  });
});
