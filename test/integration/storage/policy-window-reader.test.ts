import type { RowDataPacket } from 'mysql2/promise';
import { planReplay, selectReplay, type EventInput, type ReplayPlan, type TimePointInput } from '../../../src/policies';
import type { PolicyWindowQuery, PolicyWindowReader } from '../../../src/services/policies/ports';
import { MysqlPolicyWindowReader } from '../../../src/storage/mysql-policy-window-reader';
import { createStorageFixture, type StorageFixture } from './storage-fixture';

const SIGNATURE = 'p(x:int)\nq(x:int,y:string)\nf(v:float)\ne()\n';

/** A seeded trace: equal timestamps, gaps, empty time points, and events of every predicate. */
function trace(length: number, seed: number): TimePointInput[] {
  let state = seed;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % n;
  };
  const points: TimePointInput[] = [];
  let ts = 0;
  for (let i = 0; i < length; i++) {
    ts += [0, 0, 1, 1, 2, 5][random(6)] as number;
    const events: EventInput[] = Array.from({ length: random(4) }, () => {
      switch (random(4)) {
        case 0:
          return { pred: 'p', args: [random(4)] };
        case 1:
          return { pred: 'q', args: [random(3), ['a', 'b', 'é'][random(3)] as string] };
        case 2:
          return { pred: 'f', args: [[0.5, 1, 2.25][random(3)] as number] };
        default:
          return { pred: 'e', args: [] };
      }
    });
    points.push({ ts, events });
  }
  return points;
}

function queryOf(policyId: number, untilTp: number, plan: ReplayPlan): PolicyWindowQuery {
  return { policyId, untilTp, timePointsFromTs: plan.timePointsFromTs, timePointsBack: plan.timePointsBack, predicates: plan.predicates };
}

describe('MysqlPolicyWindowReader', () => {
  let f: StorageFixture;
  let reader: PolicyWindowReader;
  let policyId: number;
  const points = trace(3000, 7);

  beforeAll(async () => {
    f = await createStorageFixture();
    reader = new MysqlPolicyWindowReader(f.db);
    const experiment = await f.experiments.insert({ code: `replay-${process.pid}`, name: 'replay' });
    const [result] = await f.db
      .executor()
      .query<RowDataPacket[]>(
        "INSERT INTO policies (experiment_id, name, signature, formula, negate, created_at, updated_at) VALUES (?, 'replay', ?, 'p(x)', FALSE, NOW(3), NOW(3))",
        [experiment.id, SIGNATURE],
      );
    policyId = (result as unknown as { insertId: number }).insertId;
    // A second policy's rows in the same tables: the reader must not see them.
    const [other] = await f.db
      .executor()
      .query<RowDataPacket[]>(
        "INSERT INTO policies (experiment_id, name, signature, formula, negate, created_at, updated_at) VALUES (?, 'other', ?, 'p(x)', FALSE, NOW(3), NOW(3))",
        [experiment.id, SIGNATURE],
      );
    const otherId = (other as unknown as { insertId: number }).insertId;
    for (const id of [policyId, otherId]) {
      for (let start = 0; start < points.length; start += 500) {
        const slice = points.slice(start, start + 500);
        const tpRows = slice.map((p, i) => [id, start + i, p.ts, p.events.length]);
        await f.db.executor().query('INSERT INTO policy_time_points (policy_id, tp, ts, event_count, received_at) VALUES ?', [tpRows.map((r) => [...r, new Date()])]);
        const eventRows = slice.flatMap((p, i) => p.events.map((e, seq) => [id, e.pred, p.ts, start + i, seq, JSON.stringify(e.args)]));
        if (eventRows.length > 0) await f.db.executor().query('INSERT INTO policy_events (policy_id, pred, ts, tp, seq, args) VALUES ?', [eventRows]);
      }
    }
  });

  afterAll(async () => {
    await f.close();
  });

  it.each([
    ['p(x) AND ONCE[0,3] q(x,y)'],
    ['q(x,"b") AND NOT (p(x) SINCE[1,6] q(x,"a"))'],
    ['e() AND ONCE[0,4] f(2.25)'],
    ['p(x) AND PREVIOUS q(x,y)'],
    ['p(x) AND ONCE[0,2] PREVIOUS PREVIOUS q(x,"é")'],
    ['p(x) AND NOT EVENTUALLY[0,3] p(x)'],
    ['p(x) AND ONCE p(x)'],
  ])('%s: at several cut points, loads what the plan says, as selectReplay does in memory', async (formula) => {
    for (const cut of [1, 2, 17, 1500, 2999, 3000]) {
      const plan = planReplay(formula, {}, (points[cut - 1] as TimePointInput).ts);
      const expected = selectReplay(plan, points, cut);
      const window = await reader.read(queryOf(policyId, cut, plan));
      expect({ cut, stored: window.storedEvents, replayed: window.replayedEvents }).toEqual({
        cut,
        stored: expected.storedEvents,
        replayed: expected.replayedEvents,
      });
      expect(window.timePoints).toEqual(expected.timePoints);
    }
  });

  it('a long log with small windows: a small part of the events, and all of them when the past is unbounded', async () => {
    const lastTs = (points[2999] as TimePointInput).ts;
    const small = await reader.read(queryOf(policyId, 3000, planReplay('p(x) AND ONCE[0,3] q(x,y)', {}, lastTs)));
    expect(small.storedEvents).toBe(points.reduce((n, p) => n + p.events.length, 0));
    expect(small.replayedEvents).toBeGreaterThan(0);
    expect(small.replayedEvents * 100).toBeLessThan(small.storedEvents);
    const all = await reader.read(queryOf(policyId, 3000, planReplay('ONCE (p(x) OR f(1))', {}, lastTs)));
    const expected = points.reduce((n, p) => n + p.events.filter((e) => e.pred === 'p' || (e.pred === 'f' && e.args[0] === 1)).length, 0);
    expect(all.replayedEvents).toBe(expected);
    expect(all.timePoints).toHaveLength(3000);
  });

  it("reads inside the caller's transaction when given its connection", async () => {
    const plan = planReplay('p(x) AND ONCE[0,3] q(x,y)', {}, (points[99] as TimePointInput).ts);
    const window = await f.db.inTransaction(async () => reader.read(queryOf(policyId, 100, plan), f.db.executor()));
    expect(window.timePoints).toEqual(selectReplay(plan, points, 100).timePoints);
  });

  it("the per-predicate query is a range on policy_events' primary key", async () => {
    const [rows] = await f.db
      .executor()
      .query<RowDataPacket[]>(
        'EXPLAIN SELECT ts, tp, seq, args FROM policy_events WHERE policy_id = ? AND pred = ? AND ts >= ? AND tp >= ? AND tp < ? ORDER BY ts, tp, seq',
        [policyId, 'q', (points[2990] as TimePointInput).ts - 3, 2900, 3000],
      );
    expect(rows).toHaveLength(1);
    expect({ key: rows[0]?.key, type: rows[0]?.type }).toEqual({ key: 'PRIMARY', type: 'range' });
    // The rows the range examines are about the window's, not the predicate's whole history.
    expect(Number(rows[0]?.rows)).toBeLessThan(200);
  });
});
