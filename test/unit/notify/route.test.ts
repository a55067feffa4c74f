import { parseAlertmanagerConfig } from '../../../src/notify/config/parse';
import type { Route } from '../../../src/notify/config/model';
import { formatLabelSet, goQuote, groupKey, groupLabels, matchRoutes, routeKey } from '../../../src/notify/dispatch/route';

function all(route: Route): Route[] {
  return [route, ...route.routes.flatMap(all)];
}

const receivers = 'receivers:\n  - name: default\n  - name: test1\n  - name: test2\n  - name: test3\n';

describe('route IDs and keys (Alertmanager dispatch/route_test.go TestRouteID)', () => {
  const yaml = `route:
  receiver: default
  routes:
  - continue: true
    matchers: [foo=bar]
    receiver: test1
    routes:
    - matchers: [bar=baz]
  - continue: true
    matchers: [foo=bar]
    receiver: test1
    routes:
    - matchers: [bar=baz]
  - continue: true
    matchers: [foo=bar]
    receiver: test2
    routes:
    - matchers: [bar=baz]
  - continue: true
    matchers: [bar=baz]
    receiver: test3
    routes:
    - matchers: [baz=qux]
    - matchers: [qux=corge]
  - continue: true
    matchers: ['qux=~"[a-zA-Z0-9]+"']
  - continue: true
    matchers: ['corge!~"[0-9]+"']
${receivers}`;
  const config = parseAlertmanagerConfig(yaml);

  it('gives every route Alertmanager ID, depth first', () => {
    expect(all(config.route).map((r) => r.id)).toEqual([
      '{}',
      '{}/{foo="bar"}/0',
      '{}/{foo="bar"}/0/{bar="baz"}/0',
      '{}/{foo="bar"}/1',
      '{}/{foo="bar"}/1/{bar="baz"}/0',
      '{}/{foo="bar"}/2',
      '{}/{foo="bar"}/2/{bar="baz"}/0',
      '{}/{bar="baz"}/3',
      '{}/{bar="baz"}/3/{baz="qux"}/0',
      '{}/{bar="baz"}/3/{qux="corge"}/1',
      '{}/{qux=~"[a-zA-Z0-9]+"}/4',
      '{}/{corge!~"[0-9]+"}/5',
    ]);
  });

  it('keys are the matcher paths without positions', () => {
    expect(all(config.route).map(routeKey).slice(0, 3)).toEqual(['{}', '{}/{foo="bar"}', '{}/{foo="bar"}/{bar="baz"}']);
    const quoted = { ...config.route, id: '{}/{a="x}/1/{"}/0/{b="\\"}/2"}/3' };
    expect(routeKey(quoted)).toBe('{}/{a="x}/1/{"}/{b="\\"}/2"}');
  });

  it('matches with continue as Alertmanager', () => {
    const receiversOf = (labels: [string, string][]): string[] => matchRoutes(config.route, new Map(labels)).map((r) => r.receiver);
    expect(receiversOf([['foo', 'bar'], ['bar', 'baz']])).toEqual(['test1', 'test1', 'test2', 'test3', 'default']);
    expect(receiversOf([])).toEqual(['default']);
    expect(receiversOf([['corge', '12']])).toEqual(['default']);
  });
});

describe('inheritance and defaults (dispatch.NewRoute)', () => {
  const config = parseAlertmanagerConfig(`route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: [a=b]
      group_by: ['...']
      routes:
        - matchers: [c=d]
        - matchers: [e=f]
          group_by: [x]
          repeat_interval: 1h
          receiver: test1
    - matchers: [g=h]
      group_by: []
${receivers}`);

  it('inherits receiver, group_by and timers, with Alertmanager defaults at the root', () => {
    const [ab, gh] = config.route.routes;
    const [cd, ef] = ab?.routes ?? [];
    expect(config.route).toMatchObject({ receiver: 'default', groupBy: { all: false, labels: ['alertname'] }, groupWaitMs: 10_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
    expect(ab).toMatchObject({ receiver: 'default', groupBy: { all: true }, groupWaitMs: 10_000 });
    expect(cd).toMatchObject({ groupBy: { all: true } });
    expect(ef).toMatchObject({ receiver: 'test1', groupBy: { all: false, labels: ['x'] }, repeatIntervalMs: 3_600_000, groupIntervalMs: 300_000 });
    // An empty group_by inherits (Alertmanager: GroupBy stays nil).
    expect(gh).toMatchObject({ groupBy: { all: false, labels: ['alertname'] } });
  });

  it('group labels and group keys as aggrGroup', () => {
    const labels = new Map([
      ['alertname', 'Disk'],
      ['a', 'b'],
      ['e', 'f'],
      ['x', 'with "quote"\n'],
    ]);
    const [route] = matchRoutes(config.route, labels);
    expect(route?.receiver).toBe('test1');
    if (!route) throw new Error('no route');
    const group = groupLabels(route, labels);
    expect([...group]).toEqual([['x', 'with "quote"\n']]);
    expect(groupKey(route, group)).toBe('{}/{a="b"}/{e="f"}:{x="with \\"quote\\"\\n"}');
    const allRoute = config.route.routes[0]?.routes[0];
    if (!allRoute) throw new Error('no route');
    expect(groupKey(allRoute, groupLabels(allRoute, new Map([['c', 'd'], ['a', 'b'], ['B', 'é']])))).toBe('{}/{a="b"}/{c="d"}:{B="é", a="b", c="d"}');
    // A group_by label the alert lacks is not a group label.
    expect(groupKey(config.route, groupLabels(config.route, new Map([['z', '1']])))).toBe('{}:{}');
  });
});

describe('Go formatting', () => {
  it('quotes as strconv.Quote', () => {
    expect(goQuote('a\tb\x01\x7f\u00e9\u200b\u{1F600}\\')).toBe('"a\\tb\\x01\\x7fé\\u200b😀\\\\"');
  });

  it('sorts label names by bytes', () => {
    expect(formatLabelSet(new Map([['b', '1'], ['B', '2'], ['_', '3']]))).toBe('{B="2", _="3", b="1"}');
  });
});
