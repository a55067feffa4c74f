import { User } from '../../../src/domain/user';
import { redact, redactText } from '../../../src/logging/redaction';

const user = new User({
  id: 7,
  pseudonym: 'p-123',
  userId: 'S123',
  name: 'Jim Apple',
  username: 'jim-uid',
  email: 'jim@foobar.com',
  role: 'SCIENTIST',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  erasedAt: null,
});

describe('redaction for logs', () => {
  it('masks the fields a model marks @doNotLog and keeps the others', () => {
    const out = redact({ user }) as { user: Record<string, unknown> };
    expect(out.user).toMatchObject({ id: 7, pseudonym: 'p-123', role: 'SCIENTIST', name: '***', email: '***', username: '***' });
    expect(JSON.stringify(out)).not.toContain('Jim Apple');
  });

  it('masks secret keys anywhere in free-form data', () => {
    const out = redact({ headers: { Authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', accept: 'json' }, password: 'hunter2' });
    expect(out).toEqual({ headers: { Authorization: '***', cookie: '***', accept: 'json' }, password: '***' });
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
});
