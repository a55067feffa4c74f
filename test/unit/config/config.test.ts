import { ConfigError, loadConfig } from '../../../src/config';

describe('configuration from the environment', () => {
  it("uses the seed's names and defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.db).toMatchObject({ user: 'root', password: '', host: 'localhost', port: 3306, database: 'my_monit' });
    expect(config.rabbit).toMatchObject({
      url: 'amqp://guest:guest@localhost:5672',
      exchange: 'mymonit',
      routingKey: 'measures',
      queue: 'measures',
      deadLetterExchange: 'mymonit.dead',
      deadLetterQueue: 'measures.dead',
      policy: { routingKey: 'policy.events', queue: 'measures.policy-events', prefetch: 64 },
    });
    // Derived from the measures queue: installations (and test runs) with their own queues and
    // dead-letter exchanges never declare one policy queue with different arguments (406 at start-up).
    expect(loadConfig({ RABBIT_QUEUE: 'q7' }).rabbit.policy.queue).toBe('q7.policy-events');
    expect(loadConfig({ RABBIT_QUEUE: 'q7', RABBIT_POLICY_QUEUE: 'pq' }).rabbit.policy.queue).toBe('pq');
    expect(config.rest).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(config.auth.mode).toBe('local');
    expect(config.log.logstash).toBeUndefined();
  });

  it('builds the broker URL from a bare RABBIT_URL host and escapes the credentials', () => {
    const config = loadConfig({ RABBIT_URL: 'rabbit:5673', RABBIT_USER: 'u@x', RABBIT_PASSWORD: 'p/w' });
    expect(config.rabbit.url).toBe('amqp://u%40x:p%2Fw@rabbit:5673');
    expect(loadConfig({ RABBIT_URL: 'amqps://h:5671/vh' }).rabbit.url).toBe('amqps://h:5671/vh');
  });

  it('turns on Logstash shipping only when LOGSTASH_HOST is set', () => {
    expect(loadConfig({ LOGSTASH_HOST: 'logstash' }).log.logstash).toEqual({ host: 'logstash', port: 5959 });
  });

  it.each([
    ['REST_PORT', 'abc', /^REST_PORT: .*\(got "abc"\)$/],
    ['DB_PORT', '70000', /^DB_PORT: /],
    ['AUTH_MODE', 'magic', /^AUTH_MODE: /],
    ['DB_DATABASE', 'my-monit;drop', /^DB_DATABASE: letters, digits and _ only/],
    ['MIGRATE_ON_START', 'maybe', /^MIGRATE_ON_START: /],
    ['AUTH_TOKEN_TTL', 'forever', /^AUTH_TOKEN_TTL: /],
  ])('a bad %s stops start-up with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('states the token time rules and the refusal audit limits, with their defaults', () => {
    expect(loadConfig({}).auth).toMatchObject({
      clockSkewSeconds: 60,
      maxTokenLifetimeSeconds: 7 * 86400,
      failureAudit: { windowMs: 60000, burst: 5, maxSources: 100 },
    });
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '1h', AUTH_TOKEN_TTL: '30m', AUTH_CLOCK_SKEW_SECONDS: '0' }).auth).toMatchObject({
      clockSkewSeconds: 0,
      maxTokenLifetimeSeconds: 3600,
    });
  });

  it.each([
    [{ AUTH_CLOCK_SKEW_SECONDS: '601' }, /^AUTH_CLOCK_SKEW_SECONDS: /],
    [{ AUTH_CLOCK_SKEW_SECONDS: '-1' }, /^AUTH_CLOCK_SKEW_SECONDS: /],
    [{ AUTH_MAX_TOKEN_LIFETIME: 'forever' }, /^AUTH_MAX_TOKEN_LIFETIME: /],
    [{ AUTH_MAX_TOKEN_LIFETIME: '0s' }, /^AUTH_MAX_TOKEN_LIFETIME: /],
    [{ AUTH_MAX_TOKEN_LIFETIME: '99999999999d' }, /^AUTH_MAX_TOKEN_LIFETIME: /],
    [{ AUTH_TOKEN_TTL: '8d' }, /^AUTH_TOKEN_TTL: must not exceed AUTH_MAX_TOKEN_LIFETIME$/],
    [{ AUTH_FAILURE_AUDIT_WINDOW_SECONDS: '0' }, /^AUTH_FAILURE_AUDIT_WINDOW_SECONDS: /],
    [{ AUTH_FAILURE_AUDIT_SOURCES: 'Infinity' }, /^AUTH_FAILURE_AUDIT_SOURCES: /],
  ])('refuses the token time or audit setting %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ AUTH_LOCAL_KEY: 'short-secret' })).toThrow(/^AUTH_LOCAL_KEY: at least 32 characters$/);
  });

  it('requires the issuer and JWKS URL in oidc mode', () => {
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/^OIDC_ISSUER: required when AUTH_MODE=oidc$/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://id.example' })).toThrow(/^OIDC_JWKS_URL/);
  });

  it('refuses the auth emulator in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', FIREBASE_AUTH_EMULATOR_HOST: 'localhost:9099' })).toThrow(
      /^FIREBASE_AUTH_EMULATOR_HOST: /,
    );
  });

  it('logs JSON in production and a human format in development', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).log.format).toBe('json');
    expect(loadConfig({ NODE_ENV: 'development' }).log.format).toBe('pretty');
  });
});
