import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { useLoad, useSession } from '../../hooks';
import { href, type PageProps } from '../../routes';
import { CodeField } from './CodeField';
import { RuleTest } from './RuleTest';
import { draftOf, emptyDraft, errorsAt, inputOf, normalPath, type LocalErrors, type RuleDraft } from './drafts';
import type { RuleGroup, ThresholdOp, ThresholdSeverity } from './types';

const OPS: readonly ThresholdOp[] = ['>', '>=', '<', '<=', '==', '!='];
const SEVERITIES: readonly ThresholdSeverity[] = ['minor', 'major', 'critical', 'unknown'];

interface GroupDraft {
  name: string;
  interval: string;
  rules: RuleDraft[];
  version?: number;
}

/** Edit one rule group (or create one without `group` in the query): rules, PromQL, classifiers, live test. */
export default function RuleGroupEditor({ query }: PageProps) {
  const experiment = query?.experiment ?? '';
  const groupName = query?.group;
  const loaded = useLoad(
    async (signal): Promise<GroupDraft> => {
      if (groupName === undefined) return { name: '', interval: '1m', rules: [emptyDraft()] };
      const group = await api.get<RuleGroup>(`/experiments/${encodeURIComponent(experiment)}/rule-groups/${encodeURIComponent(groupName)}`, undefined, { signal });
      return { name: group.name, interval: group.interval, rules: group.rules.map(draftOf), version: group.version };
    },
    [experiment, groupName],
  );
  const title = groupName === undefined ? `New rule group in ${experiment}` : `Rule group ${groupName}`;
  return (
    <>
      <PageTitle title={title}>
        <a href={href(`/rules?experiment=${encodeURIComponent(experiment)}`)}>All rule groups of {experiment}</a>
      </PageTitle>
      {loaded.error ? <ErrorMessage error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.data ? <GroupForm key={`${groupName ?? ''}:${loaded.data.version ?? 0}`} experiment={experiment} existing={groupName} initial={loaded.data} /> : loaded.error ? null : <Loading />}
    </>
  );
}

function GroupForm({ experiment, existing, initial }: { experiment: string; existing?: string; initial: GroupDraft }) {
  const { user } = useSession();
  const admin = user?.role === 'ADMIN';
  const { route } = useLocation();
  const [draft, setDraft] = useState<GroupDraft>(initial);
  const [errors, setErrors] = useState<LocalErrors>([]);
  const [failure, setFailure] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | undefined>();
  const [confirmDelete, setConfirmDelete] = useState(false);

  const setRule = (index: number, change: Partial<RuleDraft>) =>
    setDraft((d) => ({ ...d, rules: d.rules.map((r, i) => (i === index ? { ...r, ...change } : r)) }));

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(undefined);
    setFailure(undefined);
    const local: LocalErrors = [];
    const rules = draft.rules.map((rule, i) => {
      const { input, errors: found } = inputOf(rule, `rules[${i}]`);
      local.push(...found);
      return input;
    });
    if (!draft.name.trim()) local.push({ path: 'name', message: 'a rule group needs a name' });
    setErrors(local);
    if (local.length) return;
    setSaving(true);
    try {
      const name = draft.name.trim();
      const group = await api.put<RuleGroup>(`/experiments/${encodeURIComponent(experiment)}/rule-groups/${encodeURIComponent(name)}`, {
        name,
        interval: draft.interval.trim() || undefined,
        rules,
      });
      setSaved(`Saved: version ${group.version}.`);
      setDraft({ name: group.name, interval: group.interval, rules: group.rules.map(draftOf), version: group.version });
      if (existing === undefined) route(href(`/rules/edit?experiment=${encodeURIComponent(experiment)}&group=${encodeURIComponent(group.name)}`), true);
    } catch (error) {
      setFailure(error);
      if (error instanceof ApiError) setErrors(error.errors.map((e) => ({ path: normalPath(e.path), message: e.message })));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    try {
      await api.delete(`/experiments/${encodeURIComponent(experiment)}/rule-groups/${encodeURIComponent(existing ?? '')}`);
      route(href(`/rules?experiment=${encodeURIComponent(experiment)}`));
    } catch (error) {
      setConfirmDelete(false);
      setFailure(error);
    }
  };

  const nameError = errorsAt(errors, 'name');
  const intervalError = errorsAt(errors, 'interval');
  return (
    <form class="rules-form" onSubmit={(e) => void save(e)} noValidate>
      <section class="card" aria-labelledby="rules-group-heading">
        <h2 id="rules-group-heading">Group</h2>
        <div class="rules-row">
          <FormField id="group-name" label="Name" error={nameError} hint={existing !== undefined ? 'Saving under another name creates another group.' : undefined}>
            <input
              id="group-name"
              type="text"
              value={draft.name}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={describedBy('group-name', existing !== undefined ? 'x' : undefined, nameError)}
              onInput={(e) => setDraft({ ...draft, name: (e.target as HTMLInputElement).value })}
            />
          </FormField>
          <FormField id="group-interval" label="Evaluation interval" hint="e.g. 30s, 1m" error={intervalError}>
            <input
              id="group-interval"
              type="text"
              value={draft.interval}
              aria-invalid={intervalError ? true : undefined}
              aria-describedby={describedBy('group-interval', 'x', intervalError)}
              onInput={(e) => setDraft({ ...draft, interval: (e.target as HTMLInputElement).value })}
            />
          </FormField>
        </div>
      </section>
      {draft.rules.map((rule, index) => (
        <RuleForm
          key={rule.key}
          experiment={experiment}
          index={index}
          rule={rule}
          interval={draft.interval}
          errors={errors}
          onChange={(change) => setRule(index, change)}
          onRemove={draft.rules.length > 1 ? () => setDraft({ ...draft, rules: draft.rules.filter((_, i) => i !== index) }) : undefined}
        />
      ))}
      <div class="rules-actions">
        <button type="button" onClick={() => setDraft({ ...draft, rules: [...draft.rules, emptyDraft()] })}>
          Add a rule
        </button>
        {admin ? (
          <button type="submit" class="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save rule group'}
          </button>
        ) : (
          <p class="muted">Only an administrator can save rules; you can test them.</p>
        )}
        {admin && existing !== undefined ? (
          <button type="button" onClick={() => setConfirmDelete(true)}>
            Delete rule group
          </button>
        ) : null}
      </div>
      {saved ? (
        <p class="notice" role="status">
          {saved}
        </p>
      ) : null}
      {failure ? <ErrorMessage error={failure} context="Not saved" /> : null}
      {confirmDelete ? (
        <Dialog title={`Delete ${existing ?? ''}?`} onClose={() => setConfirmDelete(false)}>
          <p>The group and its rules are deleted; their alerts resolve.</p>
          <div class="rules-actions">
            <button type="button" class="primary" onClick={() => void remove()}>
              Delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </form>
  );
}

function RuleForm({
  experiment,
  index,
  rule,
  interval,
  errors,
  onChange,
  onRemove,
}: {
  experiment: string;
  index: number;
  rule: RuleDraft;
  interval: string;
  errors: LocalErrors;
  onChange: (change: Partial<RuleDraft>) => void;
  onRemove?: () => void;
}) {
  const at = `rules[${index}]`;
  const id = (field: string) => `rule-${rule.key}-${field}`;
  const err = (field: string) => errorsAt(errors, `${at}.${field}`);
  const headingId = id('heading');
  const nameError = err(rule.kind);
  const text = (field: keyof RuleDraft, label: string, error?: string, hint?: string) => (
    <FormField id={id(field)} label={label} error={error} hint={hint}>
      <input
        id={id(field)}
        type="text"
        value={rule[field] as string}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id(field), hint, error)}
        onInput={(e) => onChange({ [field]: (e.target as HTMLInputElement).value })}
      />
    </FormField>
  );
  return (
    <section class="card rules-rule" aria-labelledby={headingId}>
      <h2 id={headingId}>
        Rule {index + 1}
        {rule.name ? `: ${rule.name}` : ''}
      </h2>
      <div class="rules-row">
        <FormField id={id('kind')} label="Kind">
          <select id={id('kind')} value={rule.kind} onChange={(e) => onChange({ kind: (e.target as HTMLSelectElement).value as RuleDraft['kind'] })}>
            <option value="alert">Alerting rule</option>
            <option value="record">Recording rule</option>
          </select>
        </FormField>
        {text('name', rule.kind === 'alert' ? 'Alert name' : 'Recorded metric name', nameError)}
        {rule.kind === 'alert' ? text('for', 'Pending for', err('for'), 'e.g. 5m; empty: fires at once') : null}
        {rule.kind === 'alert' ? text('keepFiringFor', 'Keep firing for', err('keep_firing_for')) : null}
      </div>
      <CodeField
        id={id('expr')}
        label="PromQL expression"
        language="promql"
        value={rule.expr}
        hint="Checked as you type; Ctrl-Space completes functions."
        error={err('expr')}
        onChange={(expr) => onChange({ expr })}
      />
      <div class="rules-row">
        <FormField id={id('labels')} label="Labels" hint="One name=value a line" error={err('labels')}>
          <textarea
            id={id('labels')}
            rows={2}
            value={rule.labels}
            aria-describedby={describedBy(id('labels'), 'x', err('labels'))}
            onInput={(e) => onChange({ labels: (e.target as HTMLTextAreaElement).value })}
          />
        </FormField>
        {rule.kind === 'alert' ? (
          <FormField id={id('annotations')} label="Annotations" hint="One name=value a line" error={err('annotations')}>
            <textarea
              id={id('annotations')}
              rows={2}
              value={rule.annotations}
              aria-describedby={describedBy(id('annotations'), 'x', err('annotations'))}
              onInput={(e) => onChange({ annotations: (e.target as HTMLTextAreaElement).value })}
            />
          </FormField>
        ) : null}
      </div>
      {rule.kind === 'alert' ? <ClassifierForm rule={rule} at={at} errors={errors} id={id} onChange={onChange} /> : null}
      <RuleTest experiment={experiment} rule={rule} at={at} interval={interval} />
      {onRemove ? (
        <button type="button" onClick={onRemove}>
          Remove rule {index + 1}
        </button>
      ) : null}
    </section>
  );
}

function ClassifierForm({
  rule,
  at,
  errors,
  id,
  onChange,
}: {
  rule: RuleDraft;
  at: string;
  errors: LocalErrors;
  id: (field: string) => string;
  onChange: (change: Partial<RuleDraft>) => void;
}) {
  const classifierError = errorsAt(errors, `${at}.classifier`);
  const setThreshold = (i: number, change: Partial<RuleDraft['thresholds'][number]>) =>
    onChange({ thresholds: rule.thresholds.map((t, j) => (j === i ? { ...t, ...change } : t)) });
  return (
    <fieldset class="rules-classifier">
      <legend>Classifier (the alert's severity)</legend>
      <FormField id={id('classifier')} label="Classifier kind">
        <select id={id('classifier')} value={rule.classifier} onChange={(e) => onChange({ classifier: (e.target as HTMLSelectElement).value as RuleDraft['classifier'] })}>
          <option value="none">None (severity from the labels)</option>
          <option value="thresholds">Thresholds</option>
          <option value="lua">Lua script</option>
        </select>
      </FormField>
      {rule.classifier === 'lua' ? (
        <CodeField
          id={id('lua')}
          label="Lua classifier"
          language="lua"
          value={rule.lua}
          hint="Returns ok, minor, major, critical or unknown."
          error={errorsAt(errors, `${at}.classifier.lua`)}
          onChange={(lua) => onChange({ lua })}
        />
      ) : null}
      {rule.classifier === 'thresholds' ? (
        <div class="rules-thresholds">
          {rule.thresholds.map((t, i) => {
            const valueError = errorsAt(errors, `${at}.classifier.thresholds[${i}]`);
            return (
              <div class="rules-row" key={i}>
                <FormField id={id(`t${i}-severity`)} label={`Threshold ${i + 1} severity`}>
                  <select id={id(`t${i}-severity`)} value={t.severity} onChange={(e) => setThreshold(i, { severity: (e.target as HTMLSelectElement).value as ThresholdSeverity })}>
                    {SEVERITIES.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                </FormField>
                <FormField id={id(`t${i}-op`)} label={`Threshold ${i + 1} when value`}>
                  <select id={id(`t${i}-op`)} value={t.op} onChange={(e) => setThreshold(i, { op: (e.target as HTMLSelectElement).value as ThresholdOp })}>
                    {OPS.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                </FormField>
                <FormField id={id(`t${i}-value`)} label={`Threshold ${i + 1} value`} error={valueError}>
                  <input
                    id={id(`t${i}-value`)}
                    type="text"
                    inputMode="decimal"
                    value={t.value}
                    aria-invalid={valueError ? true : undefined}
                    aria-describedby={describedBy(id(`t${i}-value`), undefined, valueError)}
                    onInput={(e) => setThreshold(i, { value: (e.target as HTMLInputElement).value })}
                  />
                </FormField>
                <button type="button" class="rules-remove" onClick={() => onChange({ thresholds: rule.thresholds.filter((_, j) => j !== i) })}>
                  Remove threshold {i + 1}
                </button>
              </div>
            );
          })}
          <button type="button" onClick={() => onChange({ thresholds: [...rule.thresholds, { severity: 'major', op: '>', value: '' }] })}>
            Add a threshold
          </button>
        </div>
      ) : null}
      {rule.classifier === 'lua' ? (
        <FormField id={id('history')} label="History (values kept for the classifier)" hint="1 to 1000; empty: the default" error={errorsAt(errors, `${at}.classifier.history`)}>
          <input
            id={id('history')}
            type="text"
            inputMode="numeric"
            value={rule.history}
            aria-describedby={describedBy(id('history'), 'x', errorsAt(errors, `${at}.classifier.history`))}
            onInput={(e) => onChange({ history: (e.target as HTMLInputElement).value })}
          />
        </FormField>
      ) : null}
      {classifierError && rule.classifier === 'none' ? <p class="field-error">{classifierError}</p> : null}
    </fieldset>
  );
}
