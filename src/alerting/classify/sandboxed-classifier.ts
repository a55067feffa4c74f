import { SEVERITIES, type Classifier, type Severity } from '../rules/rule';
import type { Classification, Classify, ClassifyInput } from './classify';
import { LuaSandbox, type LuaOutcome } from './lua-sandbox';
import { classifyByThresholds } from './thresholds';
import { WorkerLuaSandbox } from './worker-sandbox';

/** Where Lua classifiers run: WorkerLuaSandbox (the default), or LuaSandbox in this thread. */
export interface LuaRunner {
  run(code: string, input: ClassifyInput): Promise<LuaOutcome>;
}

/**
 * Thresholds judge the last value; Lua classifiers run in the sandbox with the values and messages.
 * Whatever goes wrong in a classifier is `unknown` with the reason, never an exception.
 */
export class SandboxedClassifier implements Classify {
  constructor(private readonly sandbox: LuaRunner & { close?(): Promise<void> } = new WorkerLuaSandbox()) {}

  async classify(classifier: Classifier, input: ClassifyInput): Promise<Classification> {
    if (classifier.kind === 'thresholds') return { severity: classifyByThresholds(classifier, input.values.at(-1) ?? Number.NaN) };
    return severityOf(await this.sandbox.run(classifier.code, input));
  }

  /** Ends the sandbox's worker thread, if it has one. */
  async close(): Promise<void> {
    await this.sandbox.close?.();
  }
}

function severityOf(outcome: LuaOutcome): Classification {
  if (!outcome.ok) return { severity: 'unknown', reason: outcome.reason };
  if (outcome.type === 'string' && isSeverity(outcome.text)) return { severity: outcome.text };
  return { severity: 'unknown', reason: `returned ${describeReturned(outcome.type, outcome.text)}, not a severity` };
}

function describeReturned(type: string, text: string | undefined): string {
  if (type === 'string') return JSON.stringify(text);
  if (type === 'number' || type === 'nil') return text ?? 'nil';
  return `a ${type}`;
}

function isSeverity(text: string | undefined): text is Severity {
  return (SEVERITIES as readonly (string | undefined)[]).includes(text);
}

let shared: LuaSandbox | undefined;

/** The syntax error of classifier code, or undefined: for a 400 at rule creation. Never runs the code. */
export function validateLuaClassifier(code: string): Promise<string | undefined> {
  shared ??= new LuaSandbox();
  return shared.compile(code);
}
