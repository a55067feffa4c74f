import { api, getAll } from '../../api/client';
import { FormField } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { Table, type Column } from '../../components/Table';
import { useLoad, useSession } from '../../hooks';
import { href, type PageProps } from '../../routes';
import { useLocation } from 'preact-iso';
import type { Experiment, RuleGroup, StoredRule } from './types';

function classifierText(rule: StoredRule): string {
  if (rule.classifier?.lua !== undefined) return 'Lua';
  if (rule.classifier?.thresholds) return `${rule.classifier.thresholds.length} threshold(s)`;
  return 'none';
}

const ruleColumns: ReadonlyArray<Column<StoredRule>> = [
  { label: 'Name', render: (r) => r.alert ?? r.record ?? '' },
  { label: 'Kind', render: (r) => (r.alert !== undefined ? 'alert' : 'record') },
  { label: 'Expression', render: (r) => <code class="rules-expr">{r.expr}</code> },
  { label: 'For', render: (r) => r.for ?? '' },
  { label: 'Classifier', render: classifierText },
];

/** The rule groups of one experiment (chosen in a list of the experiments the caller sees). */
export default function Rules({ query }: PageProps) {
  const { user } = useSession();
  const { route } = useLocation();
  const experiments = useLoad((signal) => getAll<Experiment>('/experiments', {}, 1000, signal), []);
  const chosen = query?.experiment ?? experiments.data?.[0]?.code;
  const groups = useLoad(
    (signal) =>
      chosen === undefined ? Promise.resolve({ items: [] as RuleGroup[] }) : api.get<{ items: RuleGroup[] }>(`/experiments/${encodeURIComponent(chosen)}/rule-groups`, undefined, { signal }),
    [chosen],
  );
  const admin = user?.role === 'ADMIN';
  return (
    <>
      <PageTitle title="Rules">
        {admin && chosen ? (
          <a class="rules-button-link" href={href(`/rules/edit?experiment=${encodeURIComponent(chosen)}`)}>
            New rule group
          </a>
        ) : null}
      </PageTitle>
      <Section title="Experiment" loaded={experiments}>
        {(list) =>
          list.length === 0 ? (
            <p>No experiment.</p>
          ) : (
            <FormField id="rules-experiment" label="Experiment">
              <select
                id="rules-experiment"
                value={chosen}
                onChange={(event) => route(href(`/rules?experiment=${encodeURIComponent((event.target as HTMLSelectElement).value)}`))}
              >
                {list.map((e) => (
                  <option key={e.code} value={e.code}>
                    {e.code} ({e.name})
                  </option>
                ))}
              </select>
            </FormField>
          )
        }
      </Section>
      <Section title="Rule groups" loaded={groups}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">No rule group in this experiment.</p>
          ) : (
            <>
              {data.items.map((group) => (
                <div class="rules-group" key={group.id}>
                  <h3>
                    <a href={href(`/rules/edit?experiment=${encodeURIComponent(group.experiment)}&group=${encodeURIComponent(group.name)}`)}>{group.name}</a>{' '}
                    <span class="muted">every {group.interval}, version {group.version}</span>
                  </h3>
                  <Table caption={`Rules of ${group.name}`} columns={ruleColumns} rows={group.rules} rowKey={(r) => r.id} empty="No rule." />
                </div>
              ))}
            </>
          )
        }
      </Section>
    </>
  );
}
