import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField } from '../../components/FormField';
import { StateBadge } from '../../components/StateBadge';
import { Table } from '../../components/Table';
import { formatLabels, formatTime } from '../../format';
import { inputOf, normalPath, type RuleDraft } from './drafts';
import type { RuleTestResult } from './types';

const WINDOWS = [
  { value: 'now', label: 'Now (one evaluation)' },
  { value: '1h', label: 'The last hour (simulated)', ms: 3_600_000 },
  { value: '6h', label: 'The last 6 hours (simulated)', ms: 6 * 3_600_000 },
  { value: '24h', label: 'The last 24 hours (simulated)', ms: 24 * 3_600_000 },
] as const;

/**
 * Runs the rule as it is in the form (unsaved) against the experiment's stored data:
 * POST /experiments/{code}/rules/test, which saves nothing, and shows what would fire.
 */
export function RuleTest({ experiment, rule, at, interval }: { experiment: string; rule: RuleDraft; at: string; interval: string }) {
  const [window, setWindow] = useState<(typeof WINDOWS)[number]['value']>('now');
  const [result, setResult] = useState<RuleTestResult | undefined>();
  const [failure, setFailure] = useState<unknown>();
  const [running, setRunning] = useState(false);
  const id = `rule-${rule.key}-window`;
  const run = async () => {
    setFailure(undefined);
    setRunning(true);
    try {
      const { input, errors } = inputOf(rule, at);
      if (errors.length) throw new ApiError(400, 'The rule has errors', errors.map((e) => `${e.path}: ${e.message}`).join('; '), undefined);
      const chosen = WINDOWS.find((w) => w.value === window);
      const body: Record<string, unknown> = { ...input };
      if (chosen && 'ms' in chosen) {
        const end = Date.now();
        body.start = new Date(end - chosen.ms).toISOString();
        body.end = new Date(end).toISOString();
        if (/^[0-9]+[smh]$/.test(interval.trim())) body.step = interval.trim();
      }
      setResult(await api.post<RuleTestResult>(`/experiments/${encodeURIComponent(experiment)}/rules/test`, body));
    } catch (error) {
      setResult(undefined);
      setFailure(
        error instanceof ApiError && error.errors.length
          ? new ApiError(error.status, error.title, error.detail, error.requestId, error.type, error.errors.map((e) => ({ path: normalPath(e.path), message: e.message })))
          : error,
      );
    } finally {
      setRunning(false);
    }
  };
  return (
    <div class="rules-test">
      <div class="rules-row rules-test-controls">
        <FormField id={id} label="Test against stored data">
          <select id={id} value={window} onChange={(e) => setWindow((e.target as HTMLSelectElement).value as typeof window)}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </FormField>
        <button type="button" onClick={() => void run()} disabled={running}>
          {running ? 'Testing…' : 'Test rule'}
        </button>
      </div>
      {failure ? <ErrorMessage error={failure} context="Test failed" /> : null}
      {result ? <TestResult result={result} /> : null}
    </div>
  );
}

function valueText(value: number | string): string {
  return typeof value === 'number' ? String(value) : value;
}

function TestResult({ result }: { result: RuleTestResult }) {
  if (result.elements !== undefined || result.health !== undefined) {
    const elements = result.elements ?? [];
    const firing = elements.filter((e) => e.state === 'firing' || e.state === 'pending').length;
    return (
      <div class="rules-test-result" role="status">
        <p>
          At {formatTime(result.time)}: {result.health === 'err' ? `evaluation failed: ${result.error ?? ''}` : `${elements.length} element(s), ${firing} would be pending or firing.`}
        </p>
        <Table
          caption="Test result"
          columns={[
            { label: 'Labels', render: (e) => <code>{formatLabels(e.labels)}</code> },
            { label: 'Value', render: (e) => valueText(e.value), class: 'num' },
            { label: 'State', render: (e) => (e.state ? <StateBadge state={e.state} /> : '') },
            { label: 'Severity', render: (e) => (e.severity ? <StateBadge state={e.severity} /> : '') },
            { label: 'Reason', render: (e) => e.reason ?? '' },
          ]}
          rows={elements}
          rowKey={(e) => formatLabels(e.labels)}
          empty="The expression gave no element: nothing would fire."
        />
      </div>
    );
  }
  const transitions = result.transitions ?? [];
  const states = result.states ?? [];
  return (
    <div class="rules-test-result" role="status">
      <p>
        From {formatTime(result.start)} to {formatTime(result.end)} every {result.step}: {result.evaluations ?? 0} evaluation(s), {result.failed_evaluations ?? 0} failed,{' '}
        {transitions.length} transition(s).
      </p>
      {result.errors && result.errors.length ? (
        <ul>
          {result.errors.map((e) => (
            <li key={e.time}>
              {formatTime(e.time)}: {e.error}
            </li>
          ))}
        </ul>
      ) : null}
      <Table
        caption="Transitions that would have happened"
        columns={[
          { label: 'At', render: (t) => formatTime(t.at) },
          { label: 'Labels', render: (t) => <code>{formatLabels(t.labels)}</code> },
          { label: 'From', render: (t) => t.from },
          { label: 'To', render: (t) => t.to },
          { label: 'Severity', render: (t) => <StateBadge state={t.severity} /> },
          { label: 'Value', render: (t) => valueText(t.value), class: 'num' },
        ]}
        rows={transitions}
        rowKey={(t) => `${t.at}:${formatLabels(t.labels)}:${t.to}`}
        empty="No transition: nothing would have fired."
      />
      <Table
        caption="States after the last step"
        columns={[
          { label: 'Labels', render: (s) => <code>{formatLabels(s.labels)}</code> },
          { label: 'State', render: (s) => <StateBadge state={s.state} /> },
          { label: 'Severity', render: (s) => <StateBadge state={s.severity} /> },
          { label: 'Value', render: (s) => valueText(s.value), class: 'num' },
        ]}
        rows={states}
        rowKey={(s) => formatLabels(s.labels)}
        empty="No alert would be active."
      />
    </div>
  );
}
