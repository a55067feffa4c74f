import { comparePromAnswers, formatSampleValue, type PromAnswer } from '../../support/promql-compare';
import { rawMatrixBody } from '../../support/promql-dataset';
import {
  diffTarget,
  inPool,
  instantTimes,
  promRequest,
  rangeWindows,
  seconds,
  startDifferentialPair,
  type DifferentialPair,
} from '../../support/promql-differential';
import { DIFF_EXPRESSIONS } from '../../support/promql-expressions';

/**
 * MyMONIT's PromQL against real Prometheus 2.42 (issue 12): the same generated samples reach both
 * (promtool-created blocks for Prometheus, AMQP measures for MyMONIT), then every expression of
 * promql-expressions.ts is asked of both with `query` at 20 instants and `query_range` over 3 windows, and
 * the answers must agree (promql-compare.ts). All mismatches are collected and reported in one failure.
 *
 * The default (PROMDIFF_TARGET=mymonit) compares MyMONIT; PROMDIFF_TARGET=prometheus compares Prometheus with
 * itself through the same path, which proves the harness.
 */
const TARGET = diffTarget();
const WIDTH = 4;
/** PROMDIFF_ONLY=<regex>: only the expressions it matches, for working on one construct. */
const ONLY = process.env.PROMDIFF_ONLY;
const EXPRESSIONS = DIFF_EXPRESSIONS.filter(({ expr }) => ONLY === undefined || new RegExp(ONLY).test(expr));

function failWith(what: string, mismatches: string[], total: number): void {
  if (mismatches.length === 0) return;
  const shown = mismatches.slice(0, 200).join('\n');
  const more = mismatches.length > 200 ? `\n... and ${mismatches.length - 200} more` : '';
  throw new Error(`${mismatches.length} of ${total} ${what} differ between prometheus and ${TARGET}:\n${shown}${more}`);
}

describe(`PromQL: ${TARGET} answers like Prometheus 2.42`, () => {
  let pair: DifferentialPair;
  /** expr -> whether the reference answered some series or a scalar, at some instant. */
  const answered = new Map<string, boolean>();
  /** expr -> the reference's error types seen. */
  const errors = new Map<string, Set<string>>();

  beforeAll(async () => {
    pair = await startDifferentialPair(TARGET);
  }, 300_000);
  afterAll(() => pair?.stop());

  it('both hold exactly the generated samples', async () => {
    const expected: PromAnswer = { status: 200, body: rawMatrixBody(pair.dataset, formatSampleValue) };
    const params = [
      ['query', '{__name__=~".+"}[5h]'],
      ['time', seconds(pair.dataset.endMs + 3_600_000)],
    ] as const;
    const reference = await promRequest(pair.reference, 'GET', '/query', params);
    const target = await promRequest(pair.target, 'GET', '/query', params);
    expect(comparePromAnswers(expected, reference, { maxDifferences: 10 })).toEqual([]);
    expect(comparePromAnswers(expected, target, { maxDifferences: 10, normalizeTarget: pair.target.normalize })).toEqual([]);
  });

  it(`query: ${EXPRESSIONS.length} expressions at 20 instants each`, async () => {
    const times = instantTimes(pair.dataset);
    expect(times).toHaveLength(20);
    const tasks = EXPRESSIONS.flatMap(({ expr, ordered }) =>
      times.map((t) => async () => {
        const params = [
          ['query', expr],
          ['time', seconds(t)],
        ] as const;
        const [reference, target] = await Promise.all([
          promRequest(pair.reference, 'GET', '/query', params),
          promRequest(pair.target, 'POST', '/query', params),
        ]);
        noteReference(expr, reference);
        const differences = comparePromAnswers(reference, target, { ordered, normalizeTarget: pair.target.normalize });
        return differences.length === 0 ? undefined : `query ${JSON.stringify(expr)} at ${seconds(t)}: ${differences.join('; ')}`;
      }),
    );
    const mismatches = (await inPool(tasks, WIDTH)).filter((m): m is string => m !== undefined);
    failWith('instant queries', mismatches, tasks.length);
  }, 600_000);

  it(`query_range: ${EXPRESSIONS.length} expressions over 3 windows each`, async () => {
    const tasks = EXPRESSIONS.flatMap(({ expr }) =>
      rangeWindows(pair.dataset).map((w) => async () => {
        const params = [
          ['query', expr],
          ['start', seconds(w.startMs)],
          ['end', seconds(w.endMs)],
          ['step', w.step],
        ] as const;
        const [reference, target] = await Promise.all([
          promRequest(pair.reference, 'GET', '/query_range', params),
          promRequest(pair.target, 'POST', '/query_range', params),
        ]);
        noteReference(expr, reference);
        // Series order in a matrix is Prometheus's label order, not sort()'s: compared as a set.
        const differences = comparePromAnswers(reference, target, { normalizeTarget: pair.target.normalize });
        return differences.length === 0
          ? undefined
          : `query_range ${JSON.stringify(expr)} ${seconds(w.startMs)}..${seconds(w.endMs)} step ${w.step}: ${differences.join('; ')}`;
      }),
    );
    const mismatches = (await inPool(tasks, WIDTH)).filter((m): m is string => m !== undefined);
    failWith('range queries', mismatches, tasks.length);
  }, 600_000);

  it('the expressions exercise the data: each answers as its entry says somewhere', () => {
    const wrong = EXPRESSIONS.filter(({ expr, alwaysEmpty, error }) => {
      const seen = errors.get(expr) ?? new Set<string>();
      if (error) return seen.size !== 1 || !seen.has(error) || answered.get(expr) === true;
      return (answered.get(expr) ?? false) === (alwaysEmpty ?? false);
    }).map(({ expr }) => `${expr}: answered=${String(answered.get(expr))} errors=${[...(errors.get(expr) ?? [])].join(',')}`);
    expect(wrong).toEqual([]);
  });

  function noteReference(expr: string, answer: PromAnswer): void {
    const body = answer.body as { status?: string; errorType?: string; data?: { resultType?: string; result?: unknown[] } };
    if (body.status === 'error') {
      errors.set(expr, (errors.get(expr) ?? new Set<string>()).add(String(body.errorType)));
      return;
    }
    const data = body.data;
    const some = data?.resultType === 'scalar' || data?.resultType === 'string' || (data?.result?.length ?? 0) > 0;
    if (some) answered.set(expr, true);
  }
});
