import { StateBadge } from '../../components/StateBadge';

/** A subject's health explanation (openapi HealthExplanation): the rule applied and the parts it judged. */
export interface Explanation {
  kind?: 'service' | 'redundancy_group' | 'host' | 'check';
  id?: number;
  name: string;
  state: string;
  reason: string;
  children: Explanation[];
}

export interface SubjectHealth {
  kind?: 'host' | 'service';
  id?: number;
  name: string;
  experiment: string;
  state: string;
  reason: string;
  since?: string;
  explanation: Explanation;
}

const KIND: Record<string, string> = { service: 'Service', redundancy_group: 'Redundancy group', host: 'Host', check: 'Check' };

function Node({ node, depth }: { node: Explanation; depth: number }) {
  const head = (
    <>
      <span class="services-kind muted">{KIND[node.kind ?? ''] ?? 'Part'}</span> <strong>{node.name}</strong> <StateBadge state={node.state} />{' '}
      <span class="services-reason">{node.reason}</span>
    </>
  );
  if (node.children.length === 0) return <li class={`services-node services-state-${node.state}`}>{head}</li>;
  return (
    <li class={`services-node services-state-${node.state}`}>
      <details open={depth < 1 || node.state !== 'ok'}>
        <summary>{head}</summary>
        <ul class="services-tree">
          {node.children.map((child, i) => (
            <Node key={`${child.kind ?? ''}-${child.id ?? i}`} node={child} depth={depth + 1} />
          ))}
        </ul>
      </details>
    </li>
  );
}

/** The explanation tree: nested lists, parts that are not ok expanded, each with its state and reason. */
export function ExplanationTree({ root, label }: { root: Explanation; label: string }) {
  return (
    <ul class="services-tree services-root" aria-label={label}>
      <Node node={root} depth={0} />
    </ul>
  );
}
