import { startPrometheus } from '../../support/prometheus-server';

/** The reference server helper: it serves when it can, and says why when it cannot. */
describe('startPrometheus', () => {
  it('serves the API on loopback, with the rule file loaded', async () => {
    const rules = 'groups:\n  - name: g\n    rules:\n      - record: one\n        expr: vector(1)\n';
    const server = await startPrometheus({ ruleFiles: [rules], evaluationInterval: '1s' });
    try {
      expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.baseUrl}/api/v1/rules`);
      const body = (await response.json()) as { data: { groups: Array<{ name: string; interval: number }> } };
      expect(body.data.groups.map((g) => [g.name, g.interval])).toEqual([['g', 1]]);
    } finally {
      await server.stop();
    }
  });

  it('fails loudly, with the server log, when Prometheus cannot start', async () => {
    await expect(startPrometheus({ ruleFiles: ['groups: [ {name: g, rules: [ {record: "bad name", expr: "1 +"} ] } ]'] })).rejects.toThrow(
      /prometheus exited \(1\) before it was ready:[\s\S]*rule/i,
    );
  });
});
