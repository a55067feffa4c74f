/**
 * A corpus of Alertmanager configuration files for the differential tests against Debian's amtool
 * (Alertmanager 0.25): each is accepted by both or refused by both. `mymonit` marks the ones with MyMONIT's
 * extensions or with Alertmanager keys MyMONIT refuses: they are not compared, the unit tests check them.
 */
export interface CorpusConfig {
  readonly name: string;
  readonly yaml: string;
  /** Label sets to route (`a=b` pairs) with `amtool config routes test` and MyMONIT's matchRoutes. */
  readonly routes?: readonly (readonly string[])[];
}

const RECEIVERS = `receivers:
  - name: default
  - name: team-a
  - name: team-b
  - name: pager
`;

export const CONFIG_CORPUS: readonly CorpusConfig[] = [
  { name: 'minimal', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n', routes: [['a=b'], []] },
  {
    name: 'tree',
    yaml: `route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="a"']
      receiver: team-a
      routes:
        - matchers: ['severity=~"critical|page"']
          receiver: pager
          continue: true
        - match: {service: db}
          receiver: team-b
    - match_re: {team: "b|c"}
      receiver: team-b
      continue: true
    - matchers: ['{team!="a", env=~"prod.*"}']
      receiver: pager
${RECEIVERS}`,
    routes: [
      ['team=a'],
      ['team=a', 'severity=critical'],
      ['team=a', 'severity=critical', 'service=db'],
      ['team=a', 'service=db'],
      ['team=b', 'env=production'],
      ['team=c'],
      ['env=prod'],
      ['team=d', 'env=dev'],
      [],
    ],
  },
  {
    name: 'continue chain',
    yaml: `route:
  receiver: default
  routes:
    - receiver: team-a
      continue: true
    - receiver: team-b
      matchers: [x="1"]
      continue: true
    - receiver: pager
${RECEIVERS}`,
    routes: [['x=1'], ['x=2'], []],
  },
  {
    name: 'quoting and escapes',
    yaml: `route:
  receiver: default
  routes:
    - matchers: ['a="x,y"', 'b!~"^z"', 'c = "q\\"uote"']
      receiver: team-a
    - matchers: ['{d=~"a.*", d!="ab"}']
      receiver: team-b
${RECEIVERS}`,
    routes: [['a="x,y"', 'c="q\\"uote"'], ['d=ac'], ['d=ab'], ['a="x,y"']],
  },
  {
    name: 'group_by all and timers',
    yaml: `route:
  receiver: default
  group_by: ['...']
  group_wait: 1s
  group_interval: 3s
  repeat_interval: 10s
  routes:
    - matchers: [a=b]
      group_by: [x, 'y']
      group_wait: 0s
${RECEIVERS}`,
    routes: [['a=b'], ['a=c']],
  },
  {
    name: 'time intervals',
    yaml: `route:
  receiver: default
  routes:
    - matchers: [a=b]
      receiver: team-a
      mute_time_intervals: [offhours]
      active_time_intervals: [business]
time_intervals:
  - name: business
    time_intervals:
      - times: [{start_time: '09:00', end_time: '17:00'}]
        weekdays: ['monday:friday']
        location: Europe/Paris
  - name: offhours
    time_intervals:
      - weekdays: [saturday, Sunday]
      - days_of_month: ['1:5', '-3:-1']
        months: ['1:3', 'may:august', december]
        years: ['2020:2030']
      - times: [{start_time: '00:00', end_time: '24:00'}]
${RECEIVERS}`,
    routes: [['a=b']],
  },
  {
    name: 'legacy mute_time_intervals',
    yaml: `route:
  receiver: default
  routes:
    - receiver: team-a
      mute_time_intervals: [old]
mute_time_intervals:
  - name: old
    time_intervals:
      - weekdays: ['monday']
${RECEIVERS}`,
  },
  {
    name: 'inhibit and global',
    yaml: `global:
  resolve_timeout: 1m
  smtp_smarthost: 'localhost:25'
  smtp_from: 'am@example.org'
  smtp_require_tls: false
route:
  receiver: mail
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, cluster]
  - source_match: {a: b}
    target_match_re: {c: "d.*"}
receivers:
  - name: mail
    email_configs:
      - to: ops@example.org
        headers: {subject: 'Alert', X-Custom: 'y'}
        send_resolved: true
`,
  },
  {
    name: 'webhooks',
    yaml: `route:
  receiver: hook
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:9099/hook
        max_alerts: 10
        send_resolved: false
      - url: https://example.org/x
        http_config:
          authorization: {credentials: secret}
      - url: http://example.org/y
        http_config:
          bearer_token: tok
`,
  },
  {
    name: 'route IDs (Alertmanager TestRouteID)',
    yaml: `route:
  receiver: default
  routes:
  - {continue: true, matchers: [foo=bar], receiver: team-a, routes: [{matchers: [bar=baz]}]}
  - {continue: true, matchers: [foo=bar], receiver: team-a, routes: [{matchers: [bar=baz]}]}
  - {continue: true, matchers: [foo=bar], receiver: team-b, routes: [{matchers: [bar=baz]}]}
  - {continue: true, matchers: [bar=baz], receiver: pager, routes: [{matchers: [baz=qux]}, {matchers: [qux=corge]}]}
  - {continue: true, matchers: ['qux=~"[a-zA-Z0-9]+"']}
  - {continue: true, matchers: ['corge!~"[0-9]+"']}
${RECEIVERS}`,
    routes: [['foo=bar', 'bar=baz'], [], ['corge=12'], ['bar=baz', 'qux=corge'], ['qux=x', 'corge=1']],
  },
  {
    name: 'matcher corners',
    yaml: `route:
  receiver: default
  routes:
    - matchers: ['a=~"^b$"', 'c!~""']
      receiver: team-a
    - matchers: ['{x=~"é.*"}', 'y="\\n"']
      receiver: team-b
    - match_re: {z: '[0-9]+'}
      match: {w: ''}
      receiver: pager
    - matchers: ['  v  !=  "1"  ', 'u=~a|b']
      receiver: team-a
      continue: yes
    - receiver: ''
      routes: []
${RECEIVERS}`,
    routes: [['a=b', 'c=d'], ['a=b'], ['x=éa', 'y="\\n"'], ['z=42'], ['z=42', 'w=1'], ['u=a'], ['u=a', 'v=1'], ['q=r']],
  },
  {
    name: 'durations',
    yaml: `route:
  receiver: default
  group_wait: 0
  group_interval: 1h30m
  repeat_interval: 1d
  routes:
    - {receiver: default, group_wait: 500ms, repeat_interval: 1w, group_interval: 1y}
${RECEIVERS}`,
  },
  { name: 'null receivers entries', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n    webhook_configs:\n    email_configs: []\n' },
  { name: 'route null child', yaml: 'route:\n  receiver: default\n  routes:\n    -\nreceivers:\n  - name: default\n' },
  { name: 'continue word', yaml: 'route:\n  receiver: default\n  routes:\n    - continue: maybe\nreceivers:\n  - name: default\n' },
  { name: 'negative duration', yaml: 'route:\n  receiver: default\n  group_wait: -1s\nreceivers:\n  - name: default\n' },
  { name: 'fractional duration', yaml: 'route:\n  receiver: default\n  group_wait: 1.5s\nreceivers:\n  - name: default\n' },
  { name: 'receivers not a list', yaml: 'route:\n  receiver: default\nreceivers:\n  name: default\n' },
  { name: 'group_by with colon', yaml: 'route:\n  receiver: default\n  group_by: ["a:b"]\nreceivers:\n  - name: default\n' },
  { name: 'matcher name with colon', yaml: "route:\n  receiver: default\n  routes:\n    - matchers: ['a:b=c']\nreceivers:\n  - name: default\n" },
  { name: 'equal bad label', yaml: "route:\n  receiver: default\ninhibit_rules:\n  - equal: ['a-b']\nreceivers:\n  - name: default\n" },
  { name: 'inhibit bad matcher', yaml: "route:\n  receiver: default\ninhibit_rules:\n  - source_matchers: ['a']\nreceivers:\n  - name: default\n" },
  { name: 'webhook no host', yaml: 'route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - url: "http://"\n' },
  { name: 'webhook relative url', yaml: 'route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - url: "/hook"\n' },
  { name: 'webhook max_alerts negative', yaml: 'route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - url: "http://x/"\n        max_alerts: -1\n' },
  { name: 'smarthost without port', yaml: "global:\n  smtp_smarthost: 'mail.example.org'\n  smtp_from: a@b\nroute:\n  receiver: default\nreceivers:\n  - name: default\n" },
  { name: 'smtp_require_tls word', yaml: "global:\n  smtp_require_tls: nope\nroute:\n  receiver: default\nreceivers:\n  - name: default\n" },
  { name: 'days of month 31 to -1', yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{days_of_month: ['-1:31', '1:-1', '30:-2']}]\nreceivers:\n  - name: default\n" },
  { name: 'weekday range reversed', yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{weekdays: ['friday:monday']}]\nreceivers:\n  - name: default\n" },
  { name: 'time 24:01', yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{times: [{start_time: '00:00', end_time: '24:01'}]}]\nreceivers:\n  - name: default\n" },
  { name: 'time without end', yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{times: [{start_time: '00:00'}]}]\nreceivers:\n  - name: default\n" },
  { name: 'location Local', yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{location: Local}]\nreceivers:\n  - name: default\n" },
  { name: 'active interval used', yaml: "route:\n  receiver: default\n  routes: [{receiver: default, active_time_intervals: [x]}]\ntime_intervals:\n  - name: x\n    time_intervals: [{months: ['February']}]\nreceivers:\n  - name: default\n" },
  { name: 'mute and time interval same name', yaml: "route:\n  receiver: default\nmute_time_intervals:\n  - name: x\ntime_intervals:\n  - name: x\nreceivers:\n  - name: default\n" },
  { name: 'templates empty list', yaml: 'templates: []\nroute:\n  receiver: default\nreceivers:\n  - name: default\n' },
  // Refused by both.
  { name: 'empty file', yaml: '' },
  { name: 'no route', yaml: 'receivers:\n  - name: default\n' },
  { name: 'root without receiver', yaml: 'route:\n  group_by: [a]\nreceivers:\n  - name: default\n' },
  { name: 'root with matchers', yaml: 'route:\n  receiver: default\n  matchers: [a=b]\nreceivers:\n  - name: default\n' },
  { name: 'root with match', yaml: 'route:\n  receiver: default\n  match: {a: b}\nreceivers:\n  - name: default\n' },
  { name: 'root continue', yaml: 'route:\n  receiver: default\n  continue: true\nreceivers:\n  - name: default\n' },
  {
    name: 'root mute interval',
    yaml: 'route:\n  receiver: default\n  mute_time_intervals: [x]\ntime_intervals:\n  - name: x\n    time_intervals: [{weekdays: [monday]}]\nreceivers:\n  - name: default\n',
  },
  { name: 'undefined receiver', yaml: 'route:\n  receiver: nobody\nreceivers:\n  - name: default\n' },
  {
    name: 'undefined child receiver',
    yaml: 'route:\n  receiver: default\n  routes:\n    - receiver: nobody\nreceivers:\n  - name: default\n',
  },
  { name: 'duplicate receiver', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n  - name: default\n' },
  { name: 'receiver without name', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n  - webhook_configs: []\n' },
  { name: 'unknown top key', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\nfoo: 1\n' },
  { name: 'unknown route key', yaml: 'route:\n  receiver: default\n  grup_by: [a]\nreceivers:\n  - name: default\n' },
  { name: 'bad group_by label', yaml: 'route:\n  receiver: default\n  group_by: [a-b]\nreceivers:\n  - name: default\n' },
  { name: 'duplicate group_by', yaml: 'route:\n  receiver: default\n  group_by: [a, a]\nreceivers:\n  - name: default\n' },
  { name: 'group_by all and label', yaml: "route:\n  receiver: default\n  group_by: ['...', a]\nreceivers:\n  - name: default\n" },
  { name: 'zero group_interval', yaml: 'route:\n  receiver: default\n  group_interval: 0s\nreceivers:\n  - name: default\n' },
  { name: 'zero repeat_interval', yaml: 'route:\n  receiver: default\n  repeat_interval: 0\nreceivers:\n  - name: default\n' },
  { name: 'bad duration', yaml: 'route:\n  receiver: default\n  group_wait: 5 minutes\nreceivers:\n  - name: default\n' },
  { name: 'bad matcher', yaml: 'route:\n  receiver: default\n  routes:\n    - matchers: ["a"]\nreceivers:\n  - name: default\n' },
  { name: 'bad regex', yaml: 'route:\n  receiver: default\n  routes:\n    - matchers: [\'a=~"("\']\nreceivers:\n  - name: default\n' },
  { name: 'bad match_re', yaml: 'route:\n  receiver: default\n  routes:\n    - match_re: {a: "["}\nreceivers:\n  - name: default\n' },
  { name: 'bad match label', yaml: 'route:\n  receiver: default\n  routes:\n    - match: {a-b: c}\nreceivers:\n  - name: default\n' },
  {
    name: 'unquoted quote in matcher',
    yaml: 'route:\n  receiver: default\n  routes:\n    - matchers: [\'a="b"c"\']\nreceivers:\n  - name: default\n',
  },
  {
    name: 'undefined time interval',
    yaml: 'route:\n  receiver: default\n  routes:\n    - receiver: default\n      mute_time_intervals: [nope]\nreceivers:\n  - name: default\n',
  },
  {
    name: 'bad weekday',
    yaml: 'route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{weekdays: [funday]}]\nreceivers:\n  - name: default\n',
  },
  {
    name: 'reversed times',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{times: [{start_time: '10:00', end_time: '09:00'}]}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'bad time',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{times: [{start_time: '9:00', end_time: '10:00'}]}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'day 0',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{days_of_month: ['0:5']}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'negative then positive day',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{days_of_month: ['-5:5']}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'month 13',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{months: ['13']}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'reversed years',
    yaml: "route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{years: ['2022:2020']}]\nreceivers:\n  - name: default\n",
  },
  {
    name: 'bad location',
    yaml: 'route:\n  receiver: default\ntime_intervals:\n  - name: x\n    time_intervals: [{location: Mars/Olympus}]\nreceivers:\n  - name: default\n',
  },
  {
    name: 'duplicate time interval',
    yaml: 'route:\n  receiver: default\ntime_intervals:\n  - name: x\n  - name: x\nreceivers:\n  - name: default\n',
  },
  { name: 'webhook without url', yaml: 'route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - send_resolved: true\n' },
  { name: 'webhook ftp url', yaml: 'route:\n  receiver: h\nreceivers:\n  - name: h\n    webhook_configs:\n      - url: ftp://x/y\n' },
  { name: 'email without to', yaml: "global:\n  smtp_smarthost: 'a:25'\n  smtp_from: a@b\nroute:\n  receiver: m\nreceivers:\n  - name: m\n    email_configs:\n      - from: x@y\n" },
  { name: 'email without smarthost', yaml: 'route:\n  receiver: m\nreceivers:\n  - name: m\n    email_configs:\n      - to: a@b\n        from: c@d\n' },
  { name: 'email without from', yaml: 'route:\n  receiver: m\nreceivers:\n  - name: m\n    email_configs:\n      - to: a@b\n        smarthost: x:25\n' },
  {
    name: 'duplicate email header',
    yaml: 'route:\n  receiver: m\nreceivers:\n  - name: m\n    email_configs:\n      - to: a@b\n        from: c@d\n        smarthost: x:25\n        headers: {subject: a, Subject: b}\n',
  },
  { name: 'unknown receiver key', yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n    hook_configs: []\n' },
  { name: 'yaml syntax', yaml: 'route:\n  receiver: default\n   bad: [\nreceivers:\n  - name: default\n' },
];
