import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The Postman collection covers every operation of openapi.yaml (test/e2e/postman.test.ts runs it). When
 * an operation is added to the contract, this names it until a request for it is added to the collection.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

interface Item {
  name: string;
  item?: Item[];
  request?: { method: string; url: { path: string[] } };
}

/** "/experiments/{code}/users/{userId}" and ["experiments", "{{expCode}}", "users", "42"] both become "/experiments/* /users/*". */
const shape = (segments: string[]) =>
  '/' + segments.map((s) => (/^\{\{?[^}]+\}?\}$/.test(s) || /^\d+$/.test(s) ? '*' : s)).join('/');

describe('postman/', () => {
  const collection = JSON.parse(fs.readFileSync(path.join(ROOT, 'postman', 'mymonit.postman_collection.json'), 'utf8'));
  const environment = JSON.parse(fs.readFileSync(path.join(ROOT, 'postman', 'mymonit.postman_environment.json'), 'utf8'));
  const requests: Item[] = [];
  const walk = (items: Item[]) => items.forEach((i) => (i.item ? walk(i.item) : requests.push(i)));
  walk(collection.item);

  it('is a Postman v2.1 collection whose every request asserts something', () => {
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    for (const request of requests as Array<Item & { event?: Array<{ listen: string; script: { exec: string[] } }> }>) {
      const tests = request.event?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? '';
      expect({ name: request.name, asserts: /pm\.test\(/.test(tests) }).toEqual({ name: request.name, asserts: true });
    }
  });

  it('has a request for every operation of openapi.yaml', () => {
    const spec = parse(fs.readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    // The Prometheus-compatible operations (x-self-validating) need the PromQL engine, which is not wired in
    // yet: their requests join the collection with it.
    const selfValidating = (operation: unknown) => (operation as { 'x-self-validating'?: boolean })['x-self-validating'] === true;
    const operations = Object.entries(spec.paths).flatMap(([p, item]) =>
      METHODS.filter((m) => m in item && !selfValidating(item[m])).map((m) => `${m.toUpperCase()} ${shape(p.split('/').filter(Boolean))}`),
    );
    const covered = new Set(requests.map((r) => `${r.request?.method} ${shape(r.request?.url.path ?? [])}`));
    // nginx does not publish /metrics: the collection, which runs through the edge, cannot reach it.
    const reachable = operations.filter((op) => op !== 'GET /metrics');
    expect(reachable.filter((op) => !covered.has(op))).toEqual([]);
  });

  it('uses only variables the environment defines or the collection sets', () => {
    const text = JSON.stringify(collection);
    const used = new Set([...text.matchAll(/\{\{([A-Za-z]+)\}\}/g)].map((m) => m[1]));
    const defined = new Set<string>(environment.values.map((v: { key: string }) => v.key));
    for (const m of text.matchAll(/pm\.environment\.set\('([A-Za-z]+)'/g)) defined.add(m[1]!);
    expect([...used].filter((name) => !defined.has(name!))).toEqual([]);
    for (const key of ['baseUrl', 'adminToken', 'scientistToken', 'otherToken']) expect(defined).toContain(key);
  });
});
