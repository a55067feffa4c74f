/**
 * Precedence and associativity against Prometheus 2.42 itself: random scalar arithmetic is parsed here,
 * evaluated by a few lines below, and the values are checked by Debian's `promtool test rules`, which
 * evaluates the same text with Prometheus's own engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Expr } from '../../../src/alerting/promql/ast';
import { parsePromql } from '../../../src/alerting/promql/parse';
import { promtool } from '../../support/promtool';

function scalarValue(e: Expr): number {
  switch (e.type) {
    case 'NumberLiteral':
      return e.value;
    case 'Paren':
      return scalarValue(e.expr);
    case 'Unary':
      return e.op === '-' ? -scalarValue(e.expr) : scalarValue(e.expr);
    case 'Binary': {
      const a = scalarValue(e.lhs);
      const b = scalarValue(e.rhs);
      const ops: Record<string, () => number> = {
        '+': () => a + b,
        '-': () => a - b,
        '*': () => a * b,
        '/': () => a / b,
        '%': () => a % b,
        '^': () => a ** b,
        '==': () => Number(a === b),
        '>': () => Number(a > b),
        '<': () => Number(a < b),
      };
      const op = ops[e.op];
      if (op === undefined) throw new Error(`no ${e.op} here`);
      return op();
    }
    case 'Aggregate':
    case 'Call':
    case 'MatrixSelector':
    case 'StringLiteral':
    case 'Subquery':
    case 'VectorSelector':
      throw new Error(`not scalar arithmetic: ${e.type}`);
  }
}

/** Deterministic random expressions over a few numbers, every operator level, unary signs, parentheses. */
function randomExpressions(count: number): string[] {
  let state = 4242;
  const random = (n: number): number => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
  const numbers = ['1', '2', '3', '0.5', '4'];
  const ops = ['+', '-', '*', '/', '%', '^', '== bool', '> bool', '< bool'];
  const build = (depth: number): string => {
    const pick = random(10);
    if (depth === 0 || pick < 3) return (random(4) === 0 ? '-' : '') + (numbers[random(numbers.length)] ?? '1');
    if (pick === 3) return `(${build(depth - 1)})`;
    if (pick === 4) return `-${build(depth - 1)}`;
    return `${build(depth - 1)} ${ops[random(ops.length)] ?? '+'} ${build(depth - 1)}`;
  };
  return Array.from({ length: count }, () => build(4));
}

describe('operator precedence agrees with Prometheus 2.42 (promtool test rules)', () => {
  it('gives the same values for 300 random scalar expressions', () => {
    const exprs = [...['-2 ^ 2', '2 ^ 3 ^ 2', '1 - 2 - 3', '2 * 3 % 4', '-2 ^ -2', '1 + 2 > bool 2 * 1'], ...randomExpressions(300)];
    const values = exprs.map((e) => scalarValue(parsePromql(e)));
    const finite = exprs.map((e, i) => [e, values[i] as number] as const).filter(([, v]) => Number.isFinite(v));
    expect(finite.length).toBeGreaterThan(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promql-precedence-'));
    try {
      fs.writeFileSync(path.join(dir, 'rules.yml'), 'groups: []\n');
      const cases = finite
        .map(([e, v]) => `  - expr: ${JSON.stringify(`vector(${e})`)}\n    eval_time: 0s\n    exp_samples:\n    - labels: '{}'\n      value: ${JSON.stringify(v)}\n`)
        .join('');
      const file = path.join(dir, 'test.yml');
      fs.writeFileSync(file, `rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series: []\n  promql_expr_test:\n${cases}`);
      const { status, output } = promtool(['test', 'rules', file]);
      expect(output).toContain('SUCCESS');
      expect(status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
