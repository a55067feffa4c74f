import { AlertmanagerConfigError, DEFAULT_CONFIG_YAML, parseAlertmanagerConfig } from '../../../src/notify/config/parse';

function issues(yaml: string): string[] {
  try {
    parseAlertmanagerConfig(yaml);
  } catch (error) {
    if (error instanceof AlertmanagerConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('accepted');
}

const RECEIVER = 'receivers:\n  - name: default\n';

describe('parseAlertmanagerConfig', () => {
  it('applies Alertmanager 0.25 defaults', () => {
    const config = parseAlertmanagerConfig(`global:
  smtp_smarthost: 'mail.example.org:587'
  smtp_from: 'am@example.org'
route:
  receiver: r
receivers:
  - name: r
    webhook_configs: [{url: 'http://127.0.0.1:1/x'}]
    email_configs: [{to: 'ops@example.org'}]
    amqp_configs: [{exchange: 'alerts'}]
    ticket_configs: [{}]
`);
    expect(config.global.resolveTimeoutMs).toBe(300_000);
    expect(config.global.smtp).toMatchObject({ hello: 'localhost', requireTls: true });
    expect(config.route).toMatchObject({ groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000, groupBy: { all: false, labels: [] } });
    const r = config.receivers.get('r');
    expect(r?.webhook).toEqual([{ sendResolved: true, url: 'http://127.0.0.1:1/x', maxAlerts: 0 }]);
    expect(r?.email[0]).toMatchObject({
      sendResolved: false,
      to: 'ops@example.org',
      from: 'am@example.org',
      smarthost: { host: 'mail.example.org', port: 587 },
      hello: 'localhost',
      requireTls: true,
      html: '{{ template "email.default.html" . }}',
    });
    expect([...(r?.email[0]?.headers ?? [])]).toEqual([
      ['Subject', '{{ template "email.default.subject" . }}'],
      ['To', 'ops@example.org'],
      ['From', 'am@example.org'],
    ]);
    expect(r?.amqp).toEqual([{ sendResolved: true, exchange: 'alerts' }]);
    expect(r?.tickets).toEqual([{ sendResolved: true, reopenWindowMs: 3_600_000, autoResolve: true }]);
  });

  it('keeps the text, receivers in file order, time intervals by name', () => {
    const yaml = `route:
  receiver: b
receivers: [{name: b}, {name: a}]
time_intervals: [{name: t, time_intervals: [{weekdays: [monday]}]}]
`;
    const config = parseAlertmanagerConfig(yaml);
    expect(config.original).toBe(yaml);
    expect([...config.receivers.keys()]).toEqual(['b', 'a']);
    expect(config.timeIntervals.get('t')).toEqual([{ times: [], weekdays: [{ begin: 1, end: 1 }], daysOfMonth: [], months: [], years: [], location: 'UTC' }]);
  });

  it('refuses unsupported Alertmanager keys by name, with line:column and path', () => {
    expect(issues(`route:\n  receiver: default\nreceivers:\n  - name: default\n    slack_configs: [{channel: x}]\n`)).toEqual([
      'line 5:5: receivers[0].slack_configs: receiver key "slack_configs" is not supported by MyMONIT',
    ]);
    expect(issues(`global:\n  slack_api_url: http://x\nroute:\n  receiver: default\n${RECEIVER}`)).toEqual([
      'line 2:3: global.slack_api_url: global key "slack_api_url" is not supported by MyMONIT',
    ]);
    expect(issues(`route:\n  receiver: default\n  foo: 1\n${RECEIVER}`)).toEqual(['line 3:3: route.foo: unknown route key "foo"']);
    expect(issues(`route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - url: http://x\n        http_config: {tls_config: {}}\n`)).toEqual([
      'line 7:23: receivers[0].webhook_configs[0].http_config.tls_config: http_config key "tls_config" is not supported by MyMONIT',
    ]);
  });

  it('reports every problem at once, each located', () => {
    const lines = issues(`route:
  receiver: default
  group_wait: soon
  routes:
    - matchers: ['a=~"("']
      group_by: [a, a]
${RECEIVER}`);
    expect(lines).toEqual([
      'line 3:15: route.group_wait: not a valid duration string: "soon"',
      expect.stringMatching(/^line 5:18: route\.routes\[0\]\.matchers\[0\]: error parsing regexp: missing closing \)/),
      'line 6:21: route.routes[0].group_by[1]: duplicated label "a" in group_by',
    ]);
  });

  it('semantic checks after the structure', () => {
    expect(issues(`route:\n  receiver: nobody\n${RECEIVER}`)).toEqual(['line 2:13: route.receiver: undefined receiver "nobody" used in route']);
    expect(issues(RECEIVER)).toEqual(['line 1:1: no routes provided']);
    expect(issues(`route:\n  receiver: default\n  matchers: [a=b]\n${RECEIVER}`)).toEqual(['line 2:3: route: root route must not have any matchers']);
    expect(issues('route: [1]\n')).toEqual(['line 1:8: route: expected a mapping']);
    expect(issues('route:\n  receiver: x\n  receiver: y\n')[0]).toMatch(/^line 3:3: YAML: Map keys must be unique/);
  });

  it('validates the extensions', () => {
    expect(issues(`route:\n  receiver: r\nreceivers:\n  - name: r\n    amqp_configs: [{url: 'http://x'}]\n`)).toEqual([
      'line 5:20: receivers[0].amqp_configs[0]: missing exchange in amqp_configs',
    ]);
    expect(issues(`route:\n  receiver: r\nreceivers:\n  - name: r\n    ticket_configs: [{reopen_window: never, owner: me}]\n`)).toEqual([
      'line 5:38: receivers[0].ticket_configs[0].reopen_window: not a valid duration string: "never"',
      'line 5:45: receivers[0].ticket_configs[0].owner: unknown ticket_configs key "owner"',
    ]);
  });

  it('needs a template loader for templates', () => {
    expect(issues(`templates: ['x/*.tmpl']\nroute:\n  receiver: default\n${RECEIVER}`)).toEqual(['line 1:12: templates: template files cannot be read here']);
    const config = parseAlertmanagerConfig(`templates: ['x/*.tmpl']\nroute:\n  receiver: default\n${RECEIVER}`, {
      loadTemplates: (patterns) => patterns.map((p) => ({ path: p, text: '{{ define "x" }}y{{ end }}' })),
    });
    expect(config.templates).toEqual([{ path: 'x/*.tmpl', text: '{{ define "x" }}y{{ end }}' }]);
  });

  it('user-chosen names never touch a prototype', () => {
    const config = parseAlertmanagerConfig(`route:\n  receiver: __proto__\n  routes: [{match: {__proto__: x}}]\nreceivers:\n  - name: __proto__\n`);
    expect(config.receivers.get('__proto__')?.name).toBe('__proto__');
    expect(config.route.routes[0]?.matchers.map((m) => m.name)).toEqual(['__proto__']);
  });

  it('the built-in default parses', () => {
    expect(parseAlertmanagerConfig(DEFAULT_CONFIG_YAML).route.receiver).toBe('default');
  });
});
