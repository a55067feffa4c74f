import { parseSignature, planReplay, runLog, selectReplay, type EventInput, type TimePointInput } from '../../../src/policies';
import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

const SIGNATURE = 'p(x:int)\nq(x:int)\nr(x:int,y:int)';
const OLD_FORMULA = 'p(x) AND NOT ONCE[0,3] q(x)';
/**
 * The new formula's extended relative interval, by hand: q is read at the time point itself (from lastTs on),
 * p back to 6 s (ONCE[2,6]; SINCE[0,5] needs 5), r only with y = 1 and back to 5 s (SINCE[0,5]).
 */
const NEW_FORMULA = '(q(x) AND ONCE[2,6] p(x)) AND NOT (r(x,1) SINCE[0,5] p(x))';
const WINDOWS: { pred: string; back: number; matches: (args: readonly (number | string)[]) => boolean }[] = [
  { pred: 'q', back: 0, matches: () => true },
  { pred: 'p', back: 6, matches: () => true },
  { pred: 'r', back: 5, matches: (args) => args[1] === 1 },
];

const LENGTH = 20_000;
const CHANGE_AT = 12_345;

/** A seeded log: timestamps advancing by 0, 1 or 3 s (mostly equal ones), 0 to 3 events per time point. */
function makeLog(): TimePointInput[] {
  let state = 2026;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % n;
  };
  let ts = 1000;
  return Array.from({ length: LENGTH }, () => {
    ts += [0, 0, 0, 1, 0, 3][random(6)] as number;
    const events: EventInput[] = Array.from({ length: random(4) }, () => {
      const x = random(5);
      switch (random(3)) {
        case 0:
          return { pred: 'p', args: [x] };
        case 1:
          return { pred: 'q', args: [x] };
        default:
          return { pred: 'r', args: [x, random(3)] };
      }
    });
    return { ts, events };
  });
}

function logText(points: readonly TimePointInput[]): string {
  return points.map((p) => `@${p.ts} ${p.events.map((e) => `${e.pred}(${e.args.join(',')})`).join(' ')}\n`).join('');
}

/**
 * A policy change midway through a long log, over REST and MariaDB (issue 15, "Policy change"): the PUT replays
 * only the events inside the new formula's relative interval, and the new generation's verdicts equal a fresh
 * run of the new formula over the whole log, from the change on.
 */
describe('policy change', () => {
  let p: TestPlatform;
  let admin: string;
  const api = (method: string, url: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
    call(p.baseUrl, method, url, { token: admin, ...options });

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    expect((await api('POST', '/experiments', { body: { code: 'CHANGE', name: 'change' } })).status).toBe(201);
  });
  afterAll(async () => {
    await p.stop();
  });

  const feed = async (id: number, points: readonly TimePointInput[], final: boolean): Promise<void> => {
    for (let start = 0; start < points.length; start += 2500) {
      const last = start + 2500 >= points.length;
      const response = await api('POST', `/policies/${id}/events${final && last ? '?final=true' : ''}`, {
        rawBody: logText(points.slice(start, start + 2500)),
        headers: { 'content-type': 'text/plain' },
      });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    }
  };

  it('a new formula midway replays the events inside its relative interval and answers as a fresh run from the change on', async () => {
    const log = makeLog();
    const created = await api('POST', '/policies', { body: { experiment: 'CHANGE', name: 'midway', signature: SIGNATURE, formula: OLD_FORMULA, negate: false } });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    await feed(id, log.slice(0, CHANGE_AT), false);

    const changed = await api('PUT', `/policies/${id}`, { body: { experiment: 'CHANGE', name: 'midway', signature: SIGNATURE, formula: NEW_FORMULA, negate: false } });
    expect(changed.status).toBe(200);

    // The events inside the new formula's windows, counted from the log itself.
    const before = log.slice(0, CHANGE_AT);
    const lastTs = (before.at(-1) as TimePointInput).ts;
    const inside = before.reduce(
      (n, point) => n + point.events.filter((e) => WINDOWS.some((w) => w.pred === e.pred && point.ts >= lastTs - w.back && w.matches(e.args))).length,
      0,
    );
    const stored = before.reduce((n, point) => n + point.events.length, 0);
    expect(changed.body).toMatchObject({
      generation: 2,
      monitor: { first_tp: CHANGE_AT, next_tp: CHANGE_AT, last_ts: lastTs, replayed_events: inside, stored_events: stored },
    });
    expect(inside).toBeGreaterThan(0);
    expect(inside * 100).toBeLessThan(stored);

    await feed(id, log.slice(CHANGE_AT), true);
    const verdicts = await api('GET', `/policies/${id}/verdicts?generation=2`, { headers: { accept: 'text/plain' } });
    expect(verdicts.status).toBe(200);
    const fresh = runLog(parseSignature(SIGNATURE), NEW_FORMULA, logText(log)).lines.filter((line) => {
      const tp = Number(/\(time point (\d+)\)/.exec(line)?.[1]);
      return tp >= CHANGE_AT;
    });
    expect(fresh.length).toBeGreaterThan(100);
    expect(String(verdicts.body)).toBe(fresh.map((l) => `${l}\n`).join(''));
  });

  it('a formula with an unbounded PREVIOUS under a window replays the time point before the window too (count-based)', async () => {
    const log = makeLog();
    const formula = 'q(x) AND ONCE[0,4] PREVIOUS p(x)';
    const cut = 7_777;
    const created = await api('POST', '/policies', { body: { experiment: 'CHANGE', name: 'previous', signature: SIGNATURE, formula: OLD_FORMULA, negate: false } });
    const id = created.body.id as number;
    await feed(id, log.slice(0, cut), false);
    const changed = await api('PUT', `/policies/${id}`, { body: { experiment: 'CHANGE', name: 'previous', signature: SIGNATURE, formula, negate: false } });
    expect(changed.status).toBe(200);
    const plan = planReplay(formula, {}, (log[cut - 1] as TimePointInput).ts);
    expect(plan.predicates.find((e) => e.pred === 'p')?.back).toBe(1);
    const expected = selectReplay(plan, log, cut);
    expect(changed.body.monitor).toMatchObject({ replayed_events: expected.replayedEvents, stored_events: expected.storedEvents });
    expect(expected.replayedEvents * 100).toBeLessThan(expected.storedEvents);
    await feed(id, log.slice(cut), true);
    const verdicts = await api('GET', `/policies/${id}/verdicts?generation=2`, { headers: { accept: 'text/plain' } });
    const fresh = runLog(parseSignature(SIGNATURE), formula, logText(log)).lines.filter((line) => Number(/\(time point (\d+)\)/.exec(line)?.[1]) >= cut);
    expect(fresh.length).toBeGreaterThan(100);
    expect(String(verdicts.body)).toBe(fresh.map((l) => `${l}\n`).join(''));
  });

  it('a new signature that does not type the stored events inside the window is a 400 naming the signature; nothing changes', async () => {
    const created = await api('POST', '/policies', { body: { experiment: 'CHANGE', name: 'typed', signature: 'p(x:int)', formula: 'ONCE[0,5] p(x)', negate: false } });
    const id = created.body.id as number;
    expect((await api('POST', `/policies/${id}/events`, { rawBody: '@1 p(1)\n@2 p(2)', headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    const refused = await api('PUT', `/policies/${id}`, { body: { experiment: 'CHANGE', name: 'typed', signature: 'p(x:string)', formula: 'ONCE[0,5] p(x)', negate: false } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(refused.body)).toMatch(/signature/);
    expect((await api('GET', `/policies/${id}`)).body).toMatchObject({ generation: 1, signature: 'p(x:int)', monitor: { next_tp: 2 } });
  });
});
