import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { fieldErrors } from '../../fieldErrors';
import type { Experiment } from './types';

const CODE_HINT = 'Up to 64 letters, digits, dots, - and _; it cannot change later.';

/** Create (no `experiment`) or edit an experiment in a dialog; the API's refusals show at the fields they name. */
export function ExperimentForm({ experiment, onDone, onClose }: { experiment?: Experiment; onDone: (e: Experiment) => void; onClose: () => void }) {
  const [code, setCode] = useState(experiment?.code ?? '');
  const [name, setName] = useState(experiment?.name ?? '');
  const [description, setDescription] = useState(experiment?.description ?? '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { byField, rest } = fieldErrors(error, ['code', 'name', 'description'], 'code');
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { name, description: description.trim() === '' ? null : description };
      const saved = experiment
        ? await api.patch<Experiment>(`/experiments/${encodeURIComponent(experiment.code)}`, body)
        : await api.post<Experiment>('/experiments', { code, ...body });
      onDone(saved);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={experiment ? `Edit ${experiment.code}` : 'New experiment'} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {rest ? <ErrorMessage error={error} /> : null}
        {experiment ? null : (
          <FormField id="experiment-code" label="Code" hint={CODE_HINT} error={byField.get('code')}>
            <input id="experiment-code" type="text" value={code} required onInput={(e) => setCode(e.currentTarget.value)} aria-describedby={describedBy('experiment-code', CODE_HINT, byField.get('code'))} />
          </FormField>
        )}
        <FormField id="experiment-name" label="Name" error={byField.get('name')}>
          <input id="experiment-name" type="text" value={name} required onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('experiment-name', undefined, byField.get('name'))} />
        </FormField>
        <FormField id="experiment-description" label="Description" error={byField.get('description')}>
          <textarea id="experiment-description" value={description} rows={3} onInput={(e) => setDescription(e.currentTarget.value)} aria-describedby={describedBy('experiment-description', undefined, byField.get('description'))} />
        </FormField>
        <button type="submit" class="primary" disabled={busy}>
          {experiment ? 'Save' : 'Create experiment'}
        </button>
      </form>
    </Dialog>
  );
}
