import { openApiDocument } from '../../../lib/contract/openapi-document';

interface Operation {
  security?: unknown[];
  requestBody?: unknown;
  'x-self-validating'?: boolean;
  responses: Record<string, { $ref?: string; headers?: Record<string, { required?: boolean; $ref?: string }> }>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { headers?: Record<string, unknown> }>; schemas: Record<string, unknown> };
};
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ route: `${m.toUpperCase()} ${path}`, method: m, path, operation: item[m] })),
);
const api = operations.filter((o) => !(o.operation!.security?.length === 0));

describe('openapi.yaml declares what the API answers', () => {
  it('the public endpoints /openapi.json, /docs and /metrics are operations', () => {
    expect(operations.map((o) => o.route)).toEqual(expect.arrayContaining(['GET /openapi.json', 'GET /docs', 'GET /metrics']));
  });

  it('every authenticated operation declares 400, 401, 500 and 503', () => {
    const missing = api.flatMap((o) => ['400', '401', '500', '503'].filter((c) => !o.operation!.responses[c]).map((c) => `${o.route} ${c}`));
    expect(missing).toEqual([]);
  });

  it('every operation with a body declares 413 and 415; every POST, PUT and PATCH declares 413', () => {
    const missing = api.flatMap((o) => [
      // Self-validating operations (Prometheus's API) ignore a body of another type, as Prometheus does: no 415.
      ...(o.operation!.requestBody && !o.operation!['x-self-validating'] && !o.operation!.responses['415'] ? [`${o.route} 415`] : []),
      ...(['post', 'put', 'patch'].includes(o.method) && !o.operation!.responses['413'] ? [`${o.route} 413`] : []),
    ]);
    expect(missing).toEqual([]);
  });

  it('every response declares X-Request-Id and X-MyMONIT-Instance; every Location is required', () => {
    const headersOf = (response: Operation['responses'][string]) =>
      response.$ref ? document.components.responses[response.$ref.split('/').pop() as string]!.headers ?? {} : response.headers ?? {};
    const problems = operations.flatMap((o) =>
      Object.entries(o.operation!.responses).flatMap(([code, response]) => {
        const headers = headersOf(response) as Record<string, { required?: boolean }>;
        return [
          ...['X-Request-Id', 'X-MyMONIT-Instance'].filter((h) => !headers[h]).map((h) => `${o.route} ${code} lacks ${h}`),
          ...(headers.Location && headers.Location.required !== true ? [`${o.route} ${code} Location not required`] : []),
        ];
      }),
    );
    expect(problems).toEqual([]);
    expect(document.components.responses.MethodNotAllowed!.headers).toHaveProperty('Allow');
  });

  it('every returned timestamp is a date-time', () => {
    const untyped: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        const looksLikeTime = /(^|_)(at|timestamp)$/.test(key) && key !== 'format';
        const schema = value as { type?: unknown; format?: unknown; oneOf?: unknown };
        if (looksLikeTime && typeof value === 'object' && value !== null && !schema.oneOf && schema.format !== 'date-time') {
          untyped.push(`${at}/${key}`);
        }
        walk(value, `${at}/${key}`);
      }
    };
    walk(document.components.schemas, '#/components/schemas');
    walk(document.paths, '#/paths');
    expect(untyped).toEqual([]);
  });
});
