import { parsePolicyMessage } from '../../../src/amqp/policy-message-parser';

const LIMIT = 1024;
const parse = (body: string | Buffer) => parsePolicyMessage(typeof body === 'string' ? Buffer.from(body) : body, LIMIT);

describe('parsePolicyMessage', () => {
  it('takes the JSON form: the policy, final (false unless given) and the time points, untouched for the ingest to judge', () => {
    const events = [{ ts: 10, events: [{ pred: 'p', args: [1, 'a'] }] }];
    expect(parse(JSON.stringify({ policy: 7, events }))).toEqual({ kind: 'events', policyId: 7, final: false, body: { kind: 'json', value: events } });
    expect(parse(JSON.stringify({ policy: 7, final: true, events: [] }))).toEqual({ kind: 'events', policyId: 7, final: true, body: { kind: 'json', value: [] } });
  });

  it("takes MonPoly's log text", () => {
    expect(parse(JSON.stringify({ policy: 3, log: '@1 p(1) @2 q(2)', final: true }))).toEqual({
      kind: 'events',
      policyId: 3,
      final: true,
      body: { kind: 'log', text: '@1 p(1) @2 q(2)' },
    });
  });

  it.each([
    ['', 'empty'],
    ['   \n', 'empty'],
    ['{"policy": 1, "events": [', 'malformed-json'],
    ['[1, 2]', 'schema-violation'],
    ['"text"', 'schema-violation'],
    ['null', 'schema-violation'],
  ])('refuses %j as %s', (body, reason) => {
    expect(parse(body)).toMatchObject({ kind: 'invalid', reason });
  });

  it('refuses a body that is not UTF-8 as malformed-json, and one past the limit as oversize before reading it', () => {
    expect(parse(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({ kind: 'invalid', reason: 'malformed-json', detail: 'body is not valid UTF-8' });
    const big = JSON.stringify({ policy: 1, log: 'x'.repeat(LIMIT) });
    expect(parse(big)).toEqual({ kind: 'invalid', reason: 'oversize', detail: `body is ${Buffer.byteLength(big)} bytes, the limit is ${LIMIT} (MAX_MESSAGE_BYTES)` });
  });

  it('does not echo the body of malformed JSON in the detail', () => {
    const parsed = parse('{"policy": 1, "log": "secret-value" oops');
    expect(parsed).toMatchObject({ kind: 'invalid', reason: 'malformed-json' });
    expect(JSON.stringify(parsed)).not.toMatch(/secret-value|oops/);
  });

  it.each([
    [{ policy: 0, events: [] }, /policy must be the policy's id/],
    [{ policy: -1, events: [] }, /policy must be the policy's id/],
    [{ policy: 1.5, events: [] }, /policy must be the policy's id/],
    [{ policy: '1', events: [] }, /policy must be the policy's id/],
    [{ policy: 4294967296, events: [] }, /policy must be the policy's id/],
    [{ events: [] }, /policy must be the policy's id/],
    [{ policy: 1, final: 'yes', events: [] }, /final must be true or false/],
    [{ policy: 1 }, /exactly one of events .* and log/],
    [{ policy: 1, events: [], log: '@1' }, /exactly one of events .* and log/],
    [{ policy: 1, events: {} }, /events must be an array/],
    [{ policy: 1, log: 5 }, /log must be a string/],
    [{ policy: 1, events: [], finale: true }, /unknown field\(s\) "finale"/],
  ])('refuses the envelope %j, naming the field', (value, detail) => {
    const parsed = parse(JSON.stringify(value));
    expect(parsed).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(parsed.kind === 'invalid' ? parsed.detail : '').toMatch(detail);
  });

  it('refuses a policy id past 2^53 (JSON would round it to another id)', () => {
    expect(parse('{"policy": 9007199254740993, "events": []}')).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
  });

  it('refuses "__proto__" as an unknown field rather than reading it', () => {
    expect(parse('{"policy": 1, "events": [], "__proto__": {"final": true}}')).toMatchObject({ kind: 'invalid', reason: 'schema-violation', detail: expect.stringMatching(/__proto__/) });
  });
});
