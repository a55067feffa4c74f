import { useMemo, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Alert } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { useSession } from '../../hooks';
import { OPERATORS, alertLabels, anchored, fromOperator, matchesAll, operatorOf, type Matcher, type Operator } from './matchers';

interface Row {
  key: number;
  name: string;
  op: Operator;
  value: string;
}

const DURATIONS: ReadonlyArray<[string, number]> = [
  ['1 hour', 3_600_000],
  ['2 hours', 7_200_000],
  ['4 hours', 14_400_000],
  ['1 day', 86_400_000],
  ['1 week', 604_800_000],
];

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/**
 * Create (or edit, with `silence`) a silence: matchers (pre-filled from an alert's labels), duration or end,
 * comment, and a preview of the active alerts the matchers hit (Alertmanager's semantics, regex anchored).
 */
export function SilenceDialog({
  initial,
  silenceId,
  initialComment = '',
  initialEnd,
  initialStart,
  alerts,
  onClose,
  onSaved,
}: {
  initial: readonly Matcher[];
  silenceId?: string;
  initialComment?: string;
  initialEnd?: string;
  /** The start of the silence edited: kept, so that a change of end or comment updates it in place. */
  initialStart?: string;
  alerts: readonly Alert[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { user } = useSession();
  const [rows, setRows] = useState<Row[]>(() => initial.map((m, i) => ({ key: i, name: m.name, op: operatorOf(m), value: m.value })));
  const [nextKey, setNextKey] = useState(initial.length);
  const [mode, setMode] = useState<'duration' | 'end'>(initialEnd ? 'end' : 'duration');
  const [duration, setDuration] = useState(String(7_200_000));
  const [end, setEnd] = useState(initialEnd ? localInput(Date.parse(initialEnd)) : localInput(Date.now() + 7_200_000));
  const [comment, setComment] = useState(initialComment);
  const [error, setError] = useState<unknown>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const matchers = rows.filter((r) => r.name.trim() !== '').map((r) => fromOperator(r.name.trim(), r.op, r.value));
  const hit = useMemo(() => alerts.filter((a) => matchesAll(matchers, alertLabels(a))), [alerts, JSON.stringify(matchers)]);

  const update = (key: number, change: Partial<Row>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const submit = async (event: Event) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    for (const r of rows) {
      if (r.name.trim() === '') errors[`name-${r.key}`] = 'A label name is needed (or remove the row).';
      else if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(r.name.trim())) errors[`name-${r.key}`] = 'Letters, digits and _ only, not starting with a digit.';
      if ((r.op === '=~' || r.op === '!~') && !anchored(r.value)) errors[`value-${r.key}`] = 'Not a valid regular expression.';
    }
    if (matchers.length === 0) errors.matchers = 'At least one matcher.';
    const endMs = mode === 'duration' ? Date.now() + Number(duration) : new Date(end).getTime();
    if (!Number.isFinite(endMs) || endMs <= Date.now()) errors.end = 'The end must be in the future.';
    if (comment.trim() === '') errors.comment = 'Say why (it is shown to whoever sees the silence).';
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    setError(undefined);
    try {
      const body = {
        ...(silenceId ? { id: silenceId } : {}),
        matchers,
        startsAt: silenceId && initialStart ? initialStart : new Date().toISOString(),
        endsAt: new Date(endMs).toISOString(),
        createdBy: user?.name ?? user?.username ?? user?.pseudonym ?? 'console',
        comment: comment.trim(),
      };
      const saved = await api.post<{ silenceID: string }>('/alertmanager/api/v2/silences', body);
      onSaved(saved.silenceID);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog title={silenceId ? 'Edit silence' : 'New silence'} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset class="silence-matchers">
          <legend>Matchers (all must match)</legend>
          {fieldErrors.matchers ? <p class="field-error" role="alert">{fieldErrors.matchers}</p> : null}
          {rows.map((r, i) => (
            <div class="silence-matcher" key={r.key}>
              <FormField id={`sm-name-${r.key}`} label={`Label ${i + 1}`} error={fieldErrors[`name-${r.key}`]}>
                <input
                  id={`sm-name-${r.key}`}
                  value={r.name}
                  aria-describedby={describedBy(`sm-name-${r.key}`, undefined, fieldErrors[`name-${r.key}`])}
                  onInput={(e) => update(r.key, { name: e.currentTarget.value })}
                />
              </FormField>
              <FormField id={`sm-op-${r.key}`} label="Operator">
                <select id={`sm-op-${r.key}`} value={r.op} onChange={(e) => update(r.key, { op: e.currentTarget.value as Operator })}>
                  {OPERATORS.map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
              </FormField>
              <FormField id={`sm-value-${r.key}`} label="Value" error={fieldErrors[`value-${r.key}`]}>
                <input
                  id={`sm-value-${r.key}`}
                  value={r.value}
                  aria-describedby={describedBy(`sm-value-${r.key}`, undefined, fieldErrors[`value-${r.key}`])}
                  onInput={(e) => update(r.key, { value: e.currentTarget.value })}
                />
              </FormField>
              <button type="button" class="silence-remove" aria-label={`Remove matcher ${i + 1}`} onClick={() => setRows((all) => all.filter((x) => x.key !== r.key))}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => {
              setRows((all) => [...all, { key: nextKey, name: '', op: '=', value: '' }]);
              setNextKey(nextKey + 1);
            }}
          >
            Add matcher
          </button>
        </fieldset>
        <fieldset>
          <legend>Until</legend>
          <label class="silence-radio">
            <input type="radio" name="sm-mode" checked={mode === 'duration'} onChange={() => setMode('duration')} /> For a duration
          </label>
          <label class="silence-radio">
            <input type="radio" name="sm-mode" checked={mode === 'end'} onChange={() => setMode('end')} /> Until a time
          </label>
          {mode === 'duration' ? (
            <FormField id="sm-duration" label="Duration">
              <select id="sm-duration" value={duration} onChange={(e) => setDuration(e.currentTarget.value)}>
                {DURATIONS.map(([label, ms]) => (
                  <option key={ms} value={String(ms)}>
                    {label}
                  </option>
                ))}
              </select>
            </FormField>
          ) : (
            <FormField id="sm-end" label="Ends at (local time)" error={fieldErrors.end}>
              <input id="sm-end" type="datetime-local" value={end} aria-describedby={describedBy('sm-end', undefined, fieldErrors.end)} onInput={(e) => setEnd(e.currentTarget.value)} />
            </FormField>
          )}
        </fieldset>
        <FormField id="sm-comment" label="Comment" error={fieldErrors.comment}>
          <textarea id="sm-comment" rows={2} value={comment} aria-describedby={describedBy('sm-comment', undefined, fieldErrors.comment)} onInput={(e) => setComment(e.currentTarget.value)} />
        </FormField>
        <section aria-labelledby="sm-preview-title" class="silence-preview">
          <h3 id="sm-preview-title">Would silence {hit.length} of {alerts.length} active alerts</h3>
          <ul aria-live="polite">
            {hit.slice(0, 20).map((a) => (
              <li key={a.fingerprint + a.rule}>
                {a.alertname} <span class="muted">{a.experiment} {Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ')}</span>
              </li>
            ))}
            {hit.length > 20 ? <li class="muted">and {hit.length - 20} more</li> : null}
          </ul>
        </section>
        {error ? <ErrorMessage error={error} /> : null}
        <div class="silence-actions">
          <button type="submit" class="primary" disabled={saving}>
            {silenceId ? 'Save silence' : 'Create silence'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
