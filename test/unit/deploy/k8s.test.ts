import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { schemaErrors, unknownFieldErrors, type K8sObject } from '../../support/k8s-schema';

/**
 * deploy/k8s: every kustomization renders with the real kustomize (kubectl's), and every object it
 * renders, plus the Secret template, is valid against the Kubernetes (and KEDA) schemas, unknown fields
 * included (test/support/k8s-schema.ts explains how, offline).
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const K8S = path.join(ROOT, 'deploy', 'k8s');
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => fs.existsSync(p));

function kustomize(dir: string): K8sObject[] {
  if (!KUBECTL) {
    throw new Error(
      'kubectl (for `kubectl kustomize`) is missing: install it (apt-get install -y kubectl from the Kubernetes or ' +
        'Google Cloud apt repository; Debian bookworm only has the too old kubernetes-client 1.20)',
    );
  }
  const out = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8' });
  return parseFile(out, dir);
}

function parseFile(text: string, name: string): K8sObject[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });
}

const byKind = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name) as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/k8s', () => {
  const base = kustomize(K8S);
  const keda = kustomize(path.join(K8S, 'overlays', 'keda'));
  const monitoring = kustomize(path.join(K8S, 'overlays', 'monitoring'));
  const secretTemplate = parseFile(fs.readFileSync(path.join(K8S, 'base', 'secret.template.yaml'), 'utf8'), 'secret.template.yaml');

  it('renders the base with the expected objects, every one in the mymonit namespace', () => {
    const names = base.map((o) => `${o.kind}/${o.metadata?.name}`).sort();
    expect(names).toEqual(
      [
        'ConfigMap/mymonit-config',
        'Deployment/mymonit-consumer',
        'Deployment/mymonit-rest',
        'HorizontalPodAutoscaler/mymonit-consumer',
        'HorizontalPodAutoscaler/mymonit-rest',
        'Ingress/mymonit',
        'Job/mymonit-migrate',
        'Namespace/mymonit',
        'PodDisruptionBudget/mymonit-consumer',
        'PodDisruptionBudget/mymonit-rest',
        'Service/mymonit-consumer-metrics',
        'Service/mymonit-rest',
      ].sort(),
    );
    for (const object of base.filter((o) => o.kind !== 'Namespace')) {
      expect((object.metadata as { namespace?: string }).namespace).toBe('mymonit');
    }
  });

  it('every rendered object, and the Secret template, matches its JSON Schema', async () => {
    expect(await schemaErrors([...base, ...keda, ...monitoring, ...secretTemplate])).toEqual([]);
  });

  it('no object has a field its kind does not define', () => {
    expect(unknownFieldErrors([...base, ...keda, ...monitoring, ...secretTemplate])).toEqual([]);
  });

  it('the strict check catches a misspelt or misplaced field (the check itself works)', () => {
    // TypeScript reports the first unknown field of each object: one mistake per copy.
    const misspelt = structuredClone(byKind(base, 'Deployment', 'mymonit-rest')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    misspelt.spec.template.spec.containers[0].readinessProbes = misspelt.spec.template.spec.containers[0].readinessProbe;
    const misplaced = structuredClone(byKind(base, 'Deployment', 'mymonit-rest')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    misplaced.spec.template.spec.replicas = 3;
    const errors = unknownFieldErrors([misspelt as K8sObject, misplaced as K8sObject]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/readinessProbes/);
    expect(errors[1]).toMatch(/replicas/);
  });

  it('the schema check catches a wrong type and a missing required field (the check itself works)', async () => {
    const wrongType = structuredClone(byKind(base, 'Deployment', 'mymonit-rest')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    wrongType.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    const noTarget = structuredClone(byKind(base, 'HorizontalPodAutoscaler', 'mymonit-consumer')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete noTarget.spec.scaleTargetRef;
    const errors = await schemaErrors([wrongType as K8sObject, noTarget as K8sObject]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/containerPort must be integer/);
    expect(errors[1]).toMatch(/scaleTargetRef/);
  });

  it('REST pods have liveness, readiness and startup probes on the health endpoints, requests and limits', () => {
    const container = byKind(base, 'Deployment', 'mymonit-rest')?.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/src/main.js', 'serve']);
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });

  it('consumers run `consume`, are probed over HTTP on their metrics port and autoscale on CPU', () => {
    const container = byKind(base, 'Deployment', 'mymonit-consumer')?.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/src/main.js', 'consume']);
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'metrics' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 'metrics' } });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'metrics' } });
    expect(JSON.stringify(container)).not.toMatch(/healthcheck\.js/);
    const hpa = byKind(base, 'HorizontalPodAutoscaler', 'mymonit-consumer');
    expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'mymonit-consumer' });
    expect(hpa?.spec.metrics[0].resource.name).toBe('cpu');
  });

  it('the KEDA overlay scales consumers on queue depth and drops the CPU autoscaler it would fight', () => {
    const scaled = byKind(keda, 'ScaledObject', 'mymonit-consumer');
    expect(scaled?.spec.triggers[0]).toMatchObject({ type: 'rabbitmq', metadata: { queueName: 'measures', mode: 'QueueLength' } });
    expect(byKind(keda, 'HorizontalPodAutoscaler', 'mymonit-consumer')).toBeUndefined();
    expect(byKind(keda, 'HorizontalPodAutoscaler', 'mymonit-rest')).toBeDefined();
  });

  it('Deployments scaled by an autoscaler set no replicas (each apply would reset the count)', () => {
    for (const objects of [base, keda]) {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        expect([deployment.metadata?.name, (deployment as Record<string, any>).spec.replicas]).toEqual([deployment.metadata?.name, undefined]); // eslint-disable-line @typescript-eslint/no-explicit-any
      }
    }
  });

  it('every pod serves /metrics on METRICS_PORT, a named port that the Service publishes to Prometheus only, never the Ingress', () => {
    const metricsPort = Number((byKind(base, 'ConfigMap', 'mymonit-config')?.data as Record<string, string>).METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    for (const component of ['rest', 'consumer']) {
      const container = byKind(base, 'Deployment', `mymonit-${component}`)?.spec.template.spec.containers[0];
      expect(container.ports).toContainEqual({ name: 'metrics', containerPort: metricsPort });
    }
    const ingressBackends = byKind(base, 'Ingress', 'mymonit')?.spec.rules.flatMap((rule: any) => rule.http.paths.map((p: any) => p.backend.service.port)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(ingressBackends).toEqual([{ name: 'http' }]);
    expect(byKind(base, 'Service', 'mymonit-consumer-metrics')?.spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'metrics', targetPort: 'metrics' }] });
  });

  it('the monitoring overlay scrapes the metrics port of both Services with ServiceMonitors', () => {
    for (const [component, service] of [['rest', 'mymonit-rest'], ['consumer', 'mymonit-consumer-metrics']]) {
      const monitor = byKind(monitoring, 'ServiceMonitor', `mymonit-${component}`);
      expect(monitor?.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
      const target = byKind(monitoring, 'Service', service!);
      expect(target?.metadata.labels).toMatchObject(monitor?.spec.selector.matchLabels);
      expect(target?.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
    }
  });

  it('the monitoring overlay ships the alert rules of deploy/prometheus/mymonit-rules.yml, unchanged, as a PrometheusRule', () => {
    const rules = parseFile(fs.readFileSync(path.join(ROOT, 'deploy', 'prometheus', 'mymonit-rules.yml'), 'utf8'), 'mymonit-rules.yml')[0];
    expect(byKind(monitoring, 'PrometheusRule', 'mymonit')?.spec.groups).toEqual((rules as Record<string, unknown>).groups);
  });

  it('PodDisruptionBudgets select the pods of their Deployment', () => {
    for (const component of ['rest', 'consumer']) {
      const deployment = byKind(base, 'Deployment', `mymonit-${component}`);
      const pdb = byKind(base, 'PodDisruptionBudget', `mymonit-${component}`);
      expect(pdb?.spec.selector.matchLabels).toEqual(deployment?.spec.selector.matchLabels);
      expect(deployment?.spec.template.metadata.labels).toMatchObject(pdb?.spec.selector.matchLabels);
    }
  });

  it('the Service and the Ingress lead to the REST pods; secrets are referenced, never rendered', () => {
    const service = byKind(base, 'Service', 'mymonit-rest');
    expect(service?.spec.selector).toEqual(byKind(base, 'Deployment', 'mymonit-rest')?.spec.selector.matchLabels);
    const backend = byKind(base, 'Ingress', 'mymonit')?.spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: 'mymonit-rest', port: { name: 'http' } });
    expect(base.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('the ConfigMap only names variables that src/config.ts reads (a typo would be silently ignored)', () => {
    const configSource = fs.readFileSync(path.join(ROOT, 'src', 'config.ts'), 'utf8');
    const known = new Set([...configSource.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
    known.add('NODE_EXTRA_CA_CERTS'); // read by Node itself
    const data = byKind(base, 'ConfigMap', 'mymonit-config')?.data as Record<string, string>;
    const secretKeys = Object.keys(secretTemplate[0]!.stringData as object);
    expect([...Object.keys(data), ...secretKeys].filter((key) => !known.has(key))).toEqual([]);
  });
});
