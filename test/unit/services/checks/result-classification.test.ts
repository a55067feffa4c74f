import type { Classify } from '../../../../src/alerting/classify/classify';
import { LuaSandbox } from '../../../../src/alerting/classify/lua-sandbox';
import { SandboxedClassifier } from '../../../../src/alerting/classify/sandboxed-classifier';
import {
  classifyRun,
  decodeClassifier,
  earlierReadingsWanted,
  SLOT_MISSED_REASON,
  type StoredClassifier,
} from '../../../../src/services/checks/result-classification';

const classify = new SandboxedClassifier(new LuaSandbox());
const none: StoredClassifier = { kind: 'none' };
const noHistory = async () => {
  throw new Error('history must not be read');
};

function stored(json: unknown): StoredClassifier {
  return decodeClassifier(JSON.stringify(json));
}

const thresholds = stored({ thresholds: [{ severity: 'critical', op: '>', value: 1000 }, { severity: 'minor', op: '>', value: 200 }] });

/** critical when every one of the last three values is above 100; minor when the last message says "degraded". */
const luaCode = `
  if string.find(messages[#messages], 'degraded', 1, true) then return 'minor' end
  if #values < 3 then return 'ok' end
  for i = #values - 2, #values do if values[i] <= 100 then return 'ok' end end
  return 'critical'`;
const lua = stored({ lua: luaCode, history: 3 });

describe('check result classification without a classifier', () => {
  it.each([
    ['ok', 'ok', undefined],
    ['failed', 'critical', 'the check failed'],
    ['timeout', 'critical', 'the check timed out'],
    ['error', 'unknown', 'the check could not run: plugin not found'],
    ['missed', 'unknown', SLOT_MISSED_REASON],
  ] as const)('outcome %s is %s', async (outcome, severity, reason) => {
    const result = await classifyRun(classify, none, { outcome, value: 12, message: 'plugin not found' }, noHistory);
    expect(result).toEqual(reason === undefined ? { severity } : { severity, reason });
  });

  it('a value that is not a finite number is unknown, saying which', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const result = await classifyRun(classify, none, { outcome: 'ok', value, message: '' }, noHistory);
      expect(result).toEqual({ severity: 'unknown', reason: `the check returned ${String(value)}, not a finite number` });
    }
  });
});

describe('check result classification with thresholds', () => {
  it.each([
    [50, 'ok'],
    [201, 'minor'],
    [1000, 'minor'],
    [1001, 'critical'],
  ] as const)('value %d is %s (first threshold met wins)', async (value, severity) => {
    expect(await classifyRun(classify, thresholds, { outcome: 'ok', value, message: '' }, noHistory)).toEqual({ severity });
  });

  it('judges successful runs only: a failed run is critical whatever its value', async () => {
    expect(await classifyRun(classify, thresholds, { outcome: 'failed', value: 5, message: 'status 503' }, noHistory)).toEqual({
      severity: 'critical',
      reason: 'the check failed',
    });
  });

  it('a successful run without a value is unknown: there is nothing to compare', async () => {
    expect(await classifyRun(classify, thresholds, { outcome: 'ok', message: 'done' }, noHistory)).toEqual({
      severity: 'unknown',
      reason: 'the check returned no value to classify',
    });
  });

  it('reads no history', () => {
    expect(earlierReadingsWanted(thresholds)).toBe(0);
    expect(earlierReadingsWanted(none)).toBe(0);
  });
});

describe('check result classification with a Lua classifier over the last n values and messages', () => {
  it('asks for history - 1 earlier readings and passes them oldest first, the current one last', async () => {
    expect(earlierReadingsWanted(lua)).toBe(2);
    const seen: { values: number[]; messages: string[] }[] = [];
    const spy: Classify = {
      classify: (classifier, input) => {
        seen.push({ values: [...input.values], messages: [...input.messages] });
        return classify.classify(classifier, input);
      },
    };
    const earlier = async () => [
      { value: 150, message: 'slow' },
      { value: 180, message: 'slower' },
    ];
    expect(await classifyRun(spy, lua, { outcome: 'ok', value: 190, message: 'slowest' }, earlier)).toEqual({ severity: 'critical' });
    expect(seen).toEqual([{ values: [150, 180, 190], messages: ['slow', 'slower', 'slowest'] }]);
  });

  it('one value at or below the bound among the last three is ok; fewer than three readings are ok', async () => {
    const run = { outcome: 'ok', value: 190, message: '' } as const;
    expect(await classifyRun(classify, lua, run, async () => [{ value: 90, message: '' }, { value: 180, message: '' }])).toEqual({ severity: 'ok' });
    expect(await classifyRun(classify, lua, run, async () => [])).toEqual({ severity: 'ok' });
  });

  it('sees the messages: the current message decides here', async () => {
    const run = { outcome: 'ok', value: 1, message: 'disk degraded' } as const;
    expect(await classifyRun(classify, lua, run, async () => [])).toEqual({ severity: 'minor' });
  });

  it('a classifier that fails at run time is unknown with its reason', async () => {
    const failing = stored({ lua: 'error("boom")', history: 1 });
    const result = await classifyRun(classify, failing, { outcome: 'ok', value: 1, message: '' }, async () => []);
    expect(result.severity).toBe('unknown');
    expect(result.reason).toContain('boom');
  });

  it('a classifier that returns no severity is unknown with what it returned', async () => {
    const wrong = stored({ lua: 'return 42', history: 1 });
    expect(await classifyRun(classify, wrong, { outcome: 'ok', value: 1, message: '' }, async () => [])).toEqual({
      severity: 'unknown',
      reason: 'returned 42, not a severity',
    });
  });

  it('a Classify port or a history read that throws gives unknown, never an exception', async () => {
    const broken: Classify = { classify: () => Promise.reject(new Error('worker gone')) };
    expect(await classifyRun(broken, lua, { outcome: 'ok', value: 1, message: '' }, async () => [])).toEqual({
      severity: 'unknown',
      reason: 'classifier failed: worker gone',
    });
    const noStorage = () => Promise.reject(new Error('storage down'));
    expect(await classifyRun(classify, lua, { outcome: 'ok', value: 1, message: '' }, noStorage)).toEqual({
      severity: 'unknown',
      reason: 'classifier failed: storage down',
    });
  });
});

describe('decodeClassifier reads checks.classifier', () => {
  it('in the codec form and in the rule store form alike', () => {
    expect(decodeClassifier('{"lua":"return \'ok\'","history":4}')).toEqual({ kind: 'classifier', classifier: { kind: 'lua', code: "return 'ok'", history: 4 } });
    expect(decodeClassifier('{"kind":"lua","code":"return \'ok\'","history":4}')).toEqual(decodeClassifier('{"lua":"return \'ok\'","history":4}'));
    const t = { thresholds: [{ severity: 'major', op: '>=', value: 3 }] };
    expect(decodeClassifier(JSON.stringify({ kind: 'thresholds', ...t }))).toEqual(decodeClassifier(JSON.stringify(t)));
    expect(decodeClassifier(null)).toEqual({ kind: 'none' });
  });

  it('an unreadable classifier is unknown with the reason, for every successful run', async () => {
    const bad = decodeClassifier('{"lua":"x","history":0}');
    expect(bad).toEqual({ kind: 'unreadable', reason: 'classifier unreadable: classifier.history must be an integer from 1 to 1000' });
    expect(decodeClassifier('not json')).toEqual({ kind: 'unreadable', reason: 'classifier unreadable: not JSON' });
    expect(await classifyRun(classify, bad, { outcome: 'ok', value: 1, message: '' }, noHistory)).toEqual({
      severity: 'unknown',
      reason: 'classifier unreadable: classifier.history must be an integer from 1 to 1000',
    });
  });
});
