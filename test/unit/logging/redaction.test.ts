import { doNotLog } from '../../../src/logging/do-not-log';
import { MASK, redact, redactText } from '../../../src/logging/redaction';
import { personalUser } from './people';

/** Redaction: what a log line may keep of a value, whatever its shape. */
describe('redaction for logs', () => {
  const user = personalUser();

  it('masks the fields a model marks @doNotLog and keeps the others', () => {
    expect(redact(user)).toEqual({
      id: 7,
      pseudonym: user.pseudonym,
      userId: 'S123',
      name: MASK,
      username: MASK,
      email: MASK,
      role: 'SCIENTIST',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      erasedAt: null,
    });
  });

  it('inherits @doNotLog marks and keeps them per class', () => {
    class Base {
      @doNotLog secret = 's';
      plain = 'p';
    }
    class Derived extends Base {
      @doNotLog extra = 'e';
    }
    expect(redact(new Derived())).toEqual({ secret: MASK, plain: 'p', extra: MASK });
    expect(redact(new Base())).toEqual({ secret: MASK, plain: 'p' });
  });

  it('masks the fields a model marks @doNotLog inside any structure', () => {
    const out = redact({ user: personalUser({ pseudonym: 'p-123' }) }) as { user: Record<string, unknown> };
    expect(out.user).toMatchObject({ id: 7, pseudonym: 'p-123', role: 'SCIENTIST', name: '***', email: '***', username: '***' });
    expect(JSON.stringify(out)).not.toContain('Jim Apple');
  });

  it('masks secret keys anywhere in free-form data', () => {
    const out = redact({ headers: { Authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', accept: 'json' }, password: 'hunter2' });
    expect(out).toEqual({ headers: { Authorization: '***', cookie: '***', accept: 'json' }, password: '***' });
  });

  it('masks keys that name secrets or personal data, at any depth and in any case', () => {
    const headers = { Authorization: 'Bearer abc.def.ghi', Cookie: 'sid=1', 'X-Api-Key': 'k', 'x-password': 'p', 'X-Session-Id': 's', accept: 'json' };
    expect(redact({ request: { headers: { ...headers }, rawHeaders: ['Cookie', 'sid=1'] } })).toEqual({
      request: { headers: { Authorization: MASK, Cookie: MASK, 'X-Api-Key': MASK, 'x-password': MASK, 'X-Session-Id': MASK, accept: 'json' }, rawHeaders: MASK },
    });
    expect(redact({ access_token: 't', refreshToken: 't', client_secret: 's', userEmail: 'e', full_name: 'n', count: 3 })).toEqual({
      access_token: MASK,
      refreshToken: MASK,
      client_secret: MASK,
      userEmail: MASK,
      full_name: MASK,
      count: 3,
    });
  });

  it('masks bearer tokens, JWTs, emails and secret query values inside strings', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqaW0ifQ.c2lnbmF0dXJl';
    const text = redactText(`got Bearer ${jwt} from jim@foobar.com at /x?token=${jwt}&limit=5 and ${jwt}`);
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain('jim@foobar.com');
    expect(text).toContain('limit=5');
  });

  it('redacts errors, their messages, stacks and causes', () => {
    const error = new Error('login failed for jim@foobar.com', { cause: { token: 'secret-token' } });
    const out = redact(error) as Record<string, unknown>;
    expect(out.name).toBe('Error');
    expect(JSON.stringify(out)).not.toContain('jim@foobar.com');
    expect(out.cause).toEqual({ token: '***' });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { id: 1 };
    a.self = a;
    expect(redact(a)).toEqual({ id: 1, self: '[Circular]' });
  });

  it('masks bearer tokens, JWTs, email addresses, URL credentials and secret query values inside text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqaW0ifQ.c2lnbmF0dXJlLXN0dWZm';
    expect(redactText(`header Authorization: Bearer ${jwt}`)).toBe('header Authorization: Bearer ***');
    expect(redactText(`token ${jwt} seen`)).toBe('token *** seen');
    expect(redactText('mail jim@foobar.com now')).toBe('mail *** now');
    expect(redactText('amqp://guest:s3cret@rabbit:5672/vhost')).toBe('amqp://guest:***@rabbit:5672/vhost');
    expect(redactText('GET /me?token=abc123&limit=5')).toBe('GET /me?token=***&limit=5');
    expect(redactText('{"password":"hunter2","n":1}')).toBe('{"password":"***","n":1}');
    expect(redactText("Duplicate entry 'jim-uid' for key 'username'")).toBe("Duplicate entry '***' for key 'username'");
  });

  it('keeps ordinary text untouched', () => {
    for (const text of [
      'http request',
      'experiment ATLAS-T1 created',
      'the token does not belong to a MyMONIT user',
      'the Authorization header is not a bearer token',
      'token signature invalid',
      'retry in 200 ms',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('redacts errors, their causes, aggregated errors and their own fields, without losing name and stack', () => {
    const root = Object.assign(new Error('connect to amqp://u:pw@host failed'), { code: 'ECONNREFUSED', password: 'pw' });
    const wrapped = new Error('storing jim@foobar.com failed', { cause: root });
    const aggregate = new AggregateError([wrapped, new Error('Bearer abcdefghij rejected')], 'several');
    const out = redact(aggregate) as { name: string; errors: Array<Record<string, unknown>> };
    expect(out.name).toBe('AggregateError');
    const first = out.errors[0] as { message: string; stack: string; cause: Record<string, unknown> };
    expect(first.message).toBe('storing *** failed');
    expect(first.stack).toContain('storing *** failed');
    expect(first.cause).toMatchObject({ name: 'Error', message: 'connect to amqp://u:***@host failed', code: 'ECONNREFUSED', password: MASK });
    expect(out.errors[1].message).toBe('Bearer *** rejected');
    expect(JSON.stringify(out)).not.toMatch(/pw@|jim@foobar|abcdefghij/);
  });

  it('masks what mysql2 echoes of the bound values', () => {
    const error = Object.assign(new Error('Data too long'), { sql: "INSERT INTO users VALUES ('Jim Apple')", sqlMessage: 'x' });
    expect(redact(error)).toMatchObject({ sql: MASK, sqlMessage: MASK });
  });

  it('survives cycles and depth, and never modifies its input', () => {
    const cyclic: Record<string, unknown> = { email: 'a@b.co', nested: { level: 1 } };
    cyclic.self = cyclic;
    const out = redact(cyclic) as Record<string, unknown>;
    expect(out.self).toBe('[Circular]');
    expect(cyclic.email).toBe('a@b.co');
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
  });

  it('keeps a logged field named __proto__ or constructor as a field, redacted, touching no prototype', () => {
    const data = JSON.parse('{"detail":{"__proto__":{"password":"p","kept":1},"constructor":"c"}}') as object;
    const out = redact(data) as { detail: object };
    expect(Object.getPrototypeOf(out.detail)).toBe(Object.prototype);
    expect(Object.entries(out.detail)).toEqual([['__proto__', { password: MASK, kept: 1 }], ['constructor', 'c']]);
    expect(JSON.stringify(out)).toBe('{"detail":{"__proto__":{"password":"***","kept":1},"constructor":"c"}}');
    const error = Object.defineProperty(new Error('boom'), '__proto__', { value: { kept: 1 }, enumerable: true });
    const redacted = redact(error) as object;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(redacted, '__proto__')?.value).toEqual({ kept: 1 });
  });

  it('stays linear on long strings and cuts them, masking a secret that straddles the cut', () => {
    const long = 'x'.repeat(200_000);
    // Catastrophic backtracking would run past the test's timeout; no wall-clock bound (a busy machine breaks those).
    for (let i = 0; i < 20; i++) expect(redactText(long).length).toBeLessThanOrEqual(16 * 1024 + 64);
    const out = redactText(`${'y'.repeat(16 * 1024 - 5)} jim@foobar.com ${'z'.repeat(100)}`);
    expect(out).not.toContain('jim@');
    expect(out).toContain('[cut at 16384 of');
  });
});
