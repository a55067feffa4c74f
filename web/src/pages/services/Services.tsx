import { getPage } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { StateBadge } from '../../components/StateBadge';
import { formatTime } from '../../format';
import { useApi, useLoad } from '../../hooks';
import type { PageProps } from '../../routes';
import { ExplanationTree, type SubjectHealth } from './health';

interface Service {
  id: number;
  experiment: string;
  name: string;
  description: string;
}

function ServiceHealth({ service }: { service: Service }) {
  const health = useApi<SubjectHealth>(`/services/${service.id}/health`, undefined, 15_000);
  return (
    <article class="services-service card" aria-labelledby={`service-${service.id}`}>
      <h3 id={`service-${service.id}`}>
        {service.name} <span class="muted">({service.experiment})</span> {health.data ? <StateBadge state={health.data.state} /> : null}
      </h3>
      {service.description ? <p class="muted">{service.description}</p> : null}
      {health.error ? <ErrorMessage error={health.error} onRetry={health.reload} /> : null}
      {health.data ? (
        <>
          <p>
            {health.data.reason}
            {health.data.since ? <span class="muted"> · since {formatTime(health.data.since)}</span> : null}
          </p>
          <ExplanationTree root={health.data.explanation} label={`Why ${service.name} is ${health.data.state}`} />
        </>
      ) : health.error ? null : (
        <Loading />
      )}
    </article>
  );
}

export default function Services({ query }: PageProps) {
  const experiment = query?.experiment || undefined;
  const cursor = useCursor();
  const services = useLoad((signal) => getPage<Service>('/services', { experiment, limit: 20 }, cursor.cursor, signal), [experiment, cursor.cursor]);
  return (
    <>
      <PageTitle title="Services" />
      <Section title="Services and why they are in their state" loaded={services}>
        {(page) => (
          <>
            {page.items.length === 0 ? <p class="muted">No service.</p> : null}
            <div class="services-list">
              {page.items.map((s) => (
                <ServiceHealth key={s.id} service={s} />
              ))}
            </div>
            <Pager label="Service pages" page={cursor.page} next={page.next} onNext={cursor.next} onPrevious={cursor.previous} />
          </>
        )}
      </Section>
    </>
  );
}
