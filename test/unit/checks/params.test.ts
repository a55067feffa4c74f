import fc from 'fast-check';
import { CHECK_KINDS, type CheckKind, type CheckParams, type HttpCheckParams, type ProbeCheckParams } from '../../../src/checks/model';
import { checkParamsToJson, DEFAULT_EXPECT_STATUS, parseCheckParams, statusJson, type ParamProblem } from '../../../src/checks/params';

function ok(kind: CheckKind, raw: unknown): CheckParams {
  const parsed = parseCheckParams(kind, raw);
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.problems)}`);
  return parsed.params;
}

function problems(kind: CheckKind, raw: unknown): readonly ParamProblem[] {
  const parsed = parseCheckParams(kind, raw);
  if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(checkParamsToJson(parsed.params))}`);
  return parsed.problems;
}

const paths = (kind: CheckKind, raw: unknown) => problems(kind, raw).map(([path]) => path);
/** Through JSON text, as a request body or the checks table gives it. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('parseCheckParams: defaults', () => {
  it('http: GET, no headers, 200-399, bodyRegex false, verifyTls true', () => {
    expect(ok('http', { url: 'https://example.org/' })).toEqual({
      kind: 'http',
      url: 'https://example.org/',
      method: 'GET',
      headers: new Map(),
      expectStatus: DEFAULT_EXPECT_STATUS,
      bodyRegex: false,
      verifyTls: true,
    });
    expect(DEFAULT_EXPECT_STATUS).toHaveLength(200);
    expect([DEFAULT_EXPECT_STATUS[0], DEFAULT_EXPECT_STATUS.at(-1)]).toEqual([200, 399]);
  });

  it('tls: minDaysLeft 0; dns: record type A; plugin: no args (params may be omitted)', () => {
    expect(ok('tls', { port: 443 })).toEqual({ kind: 'tls', port: 443, minDaysLeft: 0 });
    expect(ok('dns', {})).toEqual({ kind: 'dns', recordType: 'A' });
    expect(ok('plugin', undefined)).toEqual({ kind: 'plugin', args: [] });
    expect(ok('plugin', {})).toEqual({ kind: 'plugin', args: [] });
  });

  it('probe steps take the http defaults', () => {
    const params = ok('probe', { steps: [{ name: 'get', url: 'http://{address}:8080/x' }] }) as ProbeCheckParams;
    expect(params.steps[0]).toEqual({ name: 'get', method: 'GET', url: 'http://{address}:8080/x', headers: new Map(), expectStatus: DEFAULT_EXPECT_STATUS });
  });
});

describe('parseCheckParams: every kind with every parameter', () => {
  it('http', () => {
    const params = ok('http', {
      url: 'http://{address}/upload',
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Token': 'abc' },
      body: 'hello',
      expectStatus: [201, '204-206'],
      bodyMatch: '^ok [0-9]+$',
      bodyRegex: true,
      verifyTls: false,
    }) as HttpCheckParams;
    expect(params.method).toBe('POST');
    expect([...params.headers]).toEqual([['Content-Type', 'text/plain'], ['X-Token', 'abc']]);
    expect(params.expectStatus).toEqual([201, 204, 205, 206]);
    expect(params).toMatchObject({ body: 'hello', bodyMatch: '^ok [0-9]+$', bodyRegex: true, verifyTls: false });
  });

  it('tcp, mesh, tls, dns, plugin', () => {
    expect(ok('tcp', { port: 5432 })).toEqual({ kind: 'tcp', port: 5432 });
    expect(ok('mesh', { port: 1 })).toEqual({ kind: 'mesh', port: 1 });
    expect(ok('tls', { port: 65535, serverName: 'db.example.org', minDaysLeft: 14 })).toEqual({ kind: 'tls', port: 65535, serverName: 'db.example.org', minDaysLeft: 14 });
    expect(ok('dns', { name: 'example.org.', recordType: 'MX', server: '[::1]:5353', expect: 'mx.example.org' })).toEqual({
      kind: 'dns',
      name: 'example.org.',
      recordType: 'MX',
      server: '[::1]:5353',
      expect: 'mx.example.org',
    });
    for (const server of ['1.1.1.1', '1.1.1.1:53', '::1', '2001:db8::1', '[2001:db8::1]:53']) expect(ok('dns', { server })).toMatchObject({ server });
    expect(ok('plugin', { args: ['--warn', '80', ''] })).toEqual({ kind: 'plugin', args: ['--warn', '80', ''] });
  });
});

describe('parseCheckParams: refusals name the path', () => {
  it('unknown keys are refused by name, at every level', () => {
    expect(paths('tcp', { port: 80, prot: 81 })).toEqual(['prot']);
    expect(paths('http', { url: 'http://a/', kind: 'http' })).toEqual(['kind']);
    expect(paths('probe', { steps: [{ name: 'a', url: 'http://a/' }, { name: 'b', url: 'http://a/', verifyTls: true }] })).toEqual(['steps[1].verifyTls']);
    expect(problems('mesh', { port: 1, hosts: [] })[0]?.[1]).toContain('allowed: port');
  });

  it('not an object', () => {
    for (const raw of [null, [], 'port=80', 80, true]) expect(problems('tcp', raw)).toEqual([['', 'must be an object']]);
    expect(paths('probe', { steps: [null, 'x'] })).toEqual(['steps[0]', 'steps[1]']);
  });

  it('ports are integers 1..65535 as sent: no strings, fractions, exponent surprises or infinities', () => {
    for (const port of [0, 65536, -1, 80.5, '80', '27e1', null, true, Number.POSITIVE_INFINITY, Number.NaN, 2 ** 53 + 2]) {
      expect(problems('tcp', { port })).toEqual([['port', 'must be an integer from 1 to 65535']]);
    }
    expect(paths('tcp', JSON.parse('{"port": 1e309}'))).toEqual(['port']);
    // 27e1 as a JSON number is the integer 270: what is validated is what is stored.
    expect(ok('tcp', JSON.parse('{"port": 27e1}'))).toEqual({ kind: 'tcp', port: 270 });
    expect(paths('tcp', {})).toEqual(['port']);
    expect(paths('tls', {})).toEqual(['port']);
    expect(paths('mesh', { port: 70000 })).toEqual(['port']);
  });

  it('URLs: parsed with new URL, http or https only, no credentials', () => {
    for (const bad of ['example.org', 'ftp://example.org/', 'javascript:alert(1)', 'http://', 'http://a b/', '', 'https://user:pw@example.org/']) {
      expect(paths('http', { url: bad })).toEqual(['url']);
    }
    expect(paths('http', {})).toEqual(['url']);
    expect(paths('http', { url: 'x'.repeat(3000) })).toEqual(['url']);
    expect(problems('probe', { steps: [{ name: 'a', url: 'http://a/' }, { name: 'b', url: 'x' }, { name: 'c', url: 'mailto:a@b' }] })).toEqual([
      ['steps[1].url', 'must be an http:// or https:// URL'],
      ['steps[2].url', 'must be an http:// or https:// URL'],
    ]);
    expect(ok('http', { url: 'https://[::1]:8443/x?y=1' })).toMatchObject({ url: 'https://[::1]:8443/x?y=1' });
  });

  it('header names are RFC 9110 tokens, values carry no CR, LF or NUL, names are case-insensitively unique', () => {
    expect(paths('http', { url: 'http://a/', headers: { 'Bad Name': 'x', 'X:y': 'x', 'é': 'x' } })).toEqual(['headers.Bad Name', 'headers.X:y', 'headers.é']);
    expect(paths('http', { url: 'http://a/', headers: { A: 'x\r\nInjected: 1' } })).toEqual(['headers.A']);
    expect(paths('http', { url: 'http://a/', headers: { A: 'nul\0' } })).toEqual(['headers.A']);
    expect(paths('http', { url: 'http://a/', headers: { A: 'snow ☃' } })).toEqual(['headers.A']);
    expect(paths('http', { url: 'http://a/', headers: { A: 1 } })).toEqual(['headers.A']);
    expect(paths('http', { url: 'http://a/', headers: { Accept: 'a', accept: 'b' } })).toEqual(['headers.accept']);
    expect(paths('http', { url: 'http://a/', headers: ['A: b'] })).toEqual(['headers']);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, 'v']));
    expect(paths('http', { url: 'http://a/', headers: many })).toEqual(['headers']);
  });

  it('__proto__ and other object-prototype names are headers like any other, kept in a Map', () => {
    const raw = JSON.parse('{"url":"http://a/","headers":{"__proto__":"x","constructor":"y","toString":"z"}}') as unknown;
    const params = ok('http', raw) as HttpCheckParams;
    expect([...params.headers]).toEqual([['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z']]);
    expect(params.headers).toBeInstanceOf(Map);
    const back = JSON.parse(JSON.stringify(checkParamsToJson(params))) as { headers: object };
    expect(Object.keys(back.headers)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(back.headers)).toBe(Object.prototype);
    // A key named like a parameter on the prototype is still unknown: only own keys are parameters.
    expect(paths('tcp', JSON.parse('{"port": 80, "__proto__": {"port": 1}}'))).toEqual(['__proto__']);
    expect(paths('tcp', Object.create({ port: 80 }) as object)).toEqual(['port']);
  });

  it('expectStatus: codes and ranges from 100 to 599', () => {
    for (const bad of [[], 'all', [99], [600], [200.5], ['200'], ['300-200'], ['200-600'], ['2xx'], [null]]) {
      expect(paths('http', { url: 'http://a/', expectStatus: bad })[0]).toMatch(/^expectStatus/);
    }
    expect(paths('http', { url: 'http://a/', expectStatus: [200, 'x', 204, 1000] })).toEqual(['expectStatus[1]', 'expectStatus[3]']);
    expect((ok('http', { url: 'http://a/', expectStatus: [204, 200, '200-201'] }) as HttpCheckParams).expectStatus).toEqual([200, 201, 204]);
  });

  it('method, body, bodyMatch, bodyRegex, verifyTls', () => {
    expect(paths('http', { url: 'http://a/', method: 'get' })).toEqual(['method']);
    expect(paths('http', { url: 'http://a/', method: 'PATCH' })).toEqual(['method']);
    expect(paths('http', { url: 'http://a/', body: 'x' })).toEqual(['body']);
    expect(paths('http', { url: 'http://a/', method: 'HEAD', body: '' })).toEqual(['body']);
    expect(paths('http', { url: 'http://a/', method: 'POST', body: 1 })).toEqual(['body']);
    expect(paths('http', { url: 'http://a/', bodyRegex: true })).toEqual(['bodyRegex']);
    expect(paths('http', { url: 'http://a/', bodyRegex: true, bodyMatch: '(' })).toEqual(['bodyMatch']);
    // RE2 has no backreferences: refused, as the check would run it.
    expect(paths('http', { url: 'http://a/', bodyRegex: true, bodyMatch: '(a)\\1' })).toEqual(['bodyMatch']);
    expect(ok('http', { url: 'http://a/', bodyMatch: '(' })).toMatchObject({ bodyMatch: '(', bodyRegex: false });
    expect(paths('http', { url: 'http://a/', bodyMatch: '' })).toEqual(['bodyMatch']);
    expect(paths('http', { url: 'http://a/', bodyRegex: 'yes', verifyTls: 0 })).toEqual(['bodyRegex', 'verifyTls']);
  });

  it('dns and tls names, resolver addresses, record types, days', () => {
    expect(paths('dns', { name: 'bad name.org' })).toEqual(['name']);
    expect(paths('dns', { name: '-a.org' })).toEqual(['name']);
    expect(paths('dns', { name: `${'a'.repeat(64)}.org` })).toEqual(['name']);
    expect(paths('dns', { name: '' })).toEqual(['name']);
    expect(paths('dns', { recordType: 'SRV' })).toEqual(['recordType']);
    for (const server of ['dns.google', '1.1.1.1:0', '1.1.1.1:65536', '[1.1.1.1]:53', '::1:53x', '999.1.1.1', '']) {
      expect(paths('dns', { server })).toEqual(['server']);
    }
    expect(paths('dns', { expect: 5 })).toEqual(['expect']);
    expect(paths('tls', { port: 443, serverName: 'a b' })).toEqual(['serverName']);
    expect(paths('tls', { port: 443, minDaysLeft: -1 })).toEqual(['minDaysLeft']);
    expect(paths('tls', { port: 443, minDaysLeft: 1.5 })).toEqual(['minDaysLeft']);
  });

  it('probe: 1 to 50 steps, each named once, every problem reported', () => {
    expect(paths('probe', {})).toEqual(['steps']);
    expect(paths('probe', { steps: [] })).toEqual(['steps']);
    const step = (name: string) => ({ name, url: 'http://a/' });
    expect(paths('probe', { steps: Array.from({ length: 51 }, (_, i) => step(`s${i}`)) })).toEqual(['steps']);
    expect(paths('probe', { steps: [step('a'), step('a')] })).toEqual(['steps[1].name']);
    expect(paths('probe', { steps: [{ url: 'http://a/' }, { name: '', url: 'http://a/', method: 'GET', body: 'x' }] })).toEqual([
      'steps[0].name',
      'steps[1].body',
      'steps[1].name',
    ]);
  });

  it('plugin args: strings without NUL', () => {
    expect(paths('plugin', { args: 'a b' })).toEqual(['args']);
    expect(paths('plugin', { args: ['a', 1, 'b\0'] })).toEqual(['args[1]', 'args[2]']);
    expect(paths('plugin', { args: Array.from({ length: 101 }, () => 'x') })).toEqual(['args']);
  });

  it('an unknown kind is refused, not read as any kind', () => {
    expect(problems('ssh' as CheckKind, {})).toEqual([['', 'ssh is not a kind of check']]);
    expect(problems('__proto__' as CheckKind, {})).toEqual([['', '__proto__ is not a kind of check']]);
  });
});

describe('checkParamsToJson', () => {
  it('writes the default status range compactly and single codes as numbers', () => {
    expect(statusJson(DEFAULT_EXPECT_STATUS)).toEqual(['200-399']);
    expect(statusJson([200, 201, 204, 205, 206, 404])).toEqual([200, 201, '204-206', 404]);
    expect(checkParamsToJson(ok('http', { url: 'http://a/' }))).toEqual({
      url: 'http://a/',
      method: 'GET',
      headers: {},
      expectStatus: ['200-399'],
      bodyRegex: false,
      verifyTls: true,
    });
  });

  const headerName = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
  const headerMap = fc
    .uniqueArray(fc.tuple(fc.oneof(headerName, fc.constantFrom('__proto__', 'constructor')), fc.stringMatching(/^[\t\x20-\x7E]{0,20}$/)), {
      maxLength: 5,
      selector: ([name]) => name.toLowerCase(),
    })
    .map((entries) => Object.fromEntries(entries) as Record<string, string>);
  const status = fc.array(fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }).chain((low) => fc.integer({ min: low, max: 599 }).map((high) => `${low}-${high}`))), { minLength: 1, maxLength: 6 });
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE');
  const url = fc.constantFrom('http://{address}/', 'https://example.org:8443/a?b=c', 'http://[::1]/x', 'http://10.0.0.1:8080/health');
  const withBody = <T extends { method?: string }>(base: T, text: string | undefined) =>
    text === undefined || base.method === undefined || base.method === 'GET' || base.method === 'HEAD' ? base : { ...base, body: text };
  const http = fc
    .record(
      { url, method, headers: headerMap, expectStatus: status, bodyMatch: fc.string({ minLength: 1, maxLength: 10 }), verifyTls: fc.boolean() },
      { requiredKeys: ['url'] },
    )
    .chain((base) => fc.option(fc.string({ maxLength: 10 }), { nil: undefined }).map((text) => withBody(base, text)));
  const step = fc
    .record({ url, method, headers: headerMap, expectStatus: status, bodyMatch: fc.string({ minLength: 1, maxLength: 10 }) }, { requiredKeys: ['url'] })
    .chain((base) => fc.option(fc.string({ maxLength: 10 }), { nil: undefined }).map((text) => withBody(base, text)));
  const raw: fc.Arbitrary<[CheckKind, unknown]> = fc.oneof(
    http.map((p) => ['http', p] as [CheckKind, unknown]),
    fc.tuple(fc.constantFrom<CheckKind>('tcp', 'mesh'), fc.record({ port: fc.integer({ min: 1, max: 65535 }) })),
    fc
      .record({ name: fc.constantFrom('example.org', 'a.b.c.', 'x_y.org'), recordType: fc.constantFrom('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'), server: fc.constantFrom('1.1.1.1', '[::1]:53'), expect: fc.string({ minLength: 1, maxLength: 8 }) }, { requiredKeys: [] })
      .map((p) => ['dns', p] as [CheckKind, unknown]),
    fc
      .record({ port: fc.integer({ min: 1, max: 65535 }), serverName: fc.constantFrom('example.org', 'db.local'), minDaysLeft: fc.integer({ min: 0, max: 36500 }) }, { requiredKeys: ['port'] })
      .map((p) => ['tls', p] as [CheckKind, unknown]),
    fc
      .array(step, { minLength: 1, maxLength: 4 })
      .map((steps) => ['probe', { steps: steps.map((s, i) => ({ ...s, name: `step ${i}` })) }] as [CheckKind, unknown]),
    fc.record({ args: fc.array(fc.string({ maxLength: 8 }).filter((s) => !s.includes('\0')), { maxLength: 5 }) }, { requiredKeys: [] }).map((p) => ['plugin', p] as [CheckKind, unknown]),
  );

  it('round trip: parse(toJson(params)) through JSON text gives the same params, and toJson is a fixed point', () => {
    fc.assert(
      fc.property(raw, ([kind, input]) => {
        const params = ok(kind, wire(input));
        const json = wire(checkParamsToJson(params));
        expect(ok(kind, json)).toEqual(params);
        expect(wire(checkParamsToJson(ok(kind, json)))).toEqual(json);
      }),
      { numRuns: 500 },
    );
  });

  it('covers every kind', () => {
    const seen = new Set<CheckKind>();
    for (const [kind] of fc.sample(raw, 300)) seen.add(kind);
    expect([...seen].sort()).toEqual([...CHECK_KINDS].sort());
  });
});
