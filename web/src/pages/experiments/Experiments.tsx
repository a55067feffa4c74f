import { useState } from 'preact/hooks';
import { api, getPage } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad, useSession } from '../../hooks';
import { href } from '../../routes';
import { ExperimentForm } from './ExperimentForm';
import type { Experiment } from './types';

/** Experiments: everyone sees the ones they may read (a SCIENTIST its associated ones); an ADMIN creates, edits and deletes. */
export default function Experiments() {
  const admin = useSession().user?.role === 'ADMIN';
  const pages = useCursor();
  const list = useLoad((signal) => getPage<Experiment>('/experiments', { limit: 50 }, pages.cursor, signal), [pages.cursor]);
  const [editing, setEditing] = useState<Experiment | 'new' | undefined>();
  const [deleting, setDeleting] = useState<Experiment | undefined>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const remove = async (experiment: Experiment) => {
    try {
      await api.delete(`/experiments/${encodeURIComponent(experiment.code)}`);
      setDeleting(undefined);
      list.reload();
    } catch (e) {
      setDeleteError(e);
    }
  };
  return (
    <>
      <PageTitle title="Experiments">
        {admin ? (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            New experiment
          </button>
        ) : null}
      </PageTitle>
      <Section title="All experiments" loaded={list}>
        {(page) => (
          <>
            <Table
              caption="Experiments"
              rows={page.items}
              rowKey={(e) => e.code}
              empty={admin ? 'No experiment yet.' : 'You are associated with no experiment.'}
              columns={[
                { label: 'Code', render: (e) => <a href={href(`/experiments/${encodeURIComponent(e.code)}`)}>{e.code}</a> },
                { label: 'Name', render: (e) => e.name },
                { label: 'Description', render: (e) => e.description ?? '' },
                { label: 'Created', render: (e) => formatTime(e.created_at) },
                ...(admin
                  ? [
                      {
                        label: 'Actions',
                        render: (e: Experiment) => (
                          <span class="experiments-actions">
                            <button type="button" onClick={() => setEditing(e)} aria-label={`Edit ${e.code}`}>
                              Edit
                            </button>
                            <button type="button" onClick={() => { setDeleteError(undefined); setDeleting(e); }} aria-label={`Delete ${e.code}`}>
                              Delete
                            </button>
                          </span>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <Pager page={pages.page} next={page.next} onNext={pages.next} onPrevious={pages.previous} label="Experiment pages" />
          </>
        )}
      </Section>
      {editing ? (
        <ExperimentForm
          experiment={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <Dialog title={`Delete ${deleting.code}?`} onClose={() => setDeleting(undefined)}>
          <p>This deletes the experiment {deleting.name}, its associations and all its measures.</p>
          {deleteError ? <ErrorMessage error={deleteError} /> : null}
          <button type="button" class="primary" onClick={() => void remove(deleting)}>
            Delete {deleting.code}
          </button>
        </Dialog>
      ) : null}
    </>
  );
}
