/**
 * Alertmanager's configuration file (config/config.go and dispatch/route.go, 0.25) read into
 * AlertmanagerConfig: the same defaults (group_wait 30s, group_interval 5m, repeat_interval 4h,
 * resolve_timeout 5m, smtp_hello localhost, smtp_require_tls true, webhook send_resolved true, email
 * send_resolved false), the same checks, the route tree inherited and its IDs as Alertmanager computes them.
 * Keys of the format that MyMONIT does not implement are refused by name; MyMONIT's own receiver keys
 * `amqp_configs` and `ticket_configs` are accepted (docs/adr/0007-alertmanager-config-extensions.md).
 * Every problem is reported with its key path and line:column.
 */
import type { Raw, RawMap } from '../../alerting/rules/raw';
import type { CompiledMatcher, Matcher } from '../matchers';
import { compareMatchers, compileMatcher, formatMatchers, isValidLabelName, MatcherSyntaxError, parseMatchers } from '../matchers-parse';
import { parseTimeInterval } from '../timeinterval/parse';
import type { TimeInterval } from '../timeinterval/time-interval';
import type {
  AlertmanagerConfig,
  AmqpStreamConfig,
  EmailConfig,
  GlobalConfig,
  GroupBy,
  HostPort,
  InhibitRule,
  ReceiverConfig,
  Route,
  TemplateSource,
  TicketConfig,
  WebhookConfig,
} from './model';
import { Reader } from './reader';
import { AlertmanagerConfigError, pathText, readYaml, type ConfigIssue, type ConfigPath } from './yaml-source';

export { AlertmanagerConfigError, formatIssue, type ConfigIssue } from './yaml-source';

export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;
/** MyMONIT's `ticket_configs[].reopen_window` default. */
export const DEFAULT_REOPEN_WINDOW_MS = 3_600_000;

export interface ParseOptions {
  /**
   * Reads the template files named by `templates:` (globs, relative to the configuration file's folder):
   * the caller's I/O. Without it, a configuration naming templates is refused.
   */
  readonly loadTemplates?: (patterns: readonly string[]) => TemplateSource[];
}

const TOP_KEYS = ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates'];
const GLOBAL_KEYS = [
  'resolve_timeout',
  'smtp_from',
  'smtp_hello',
  'smtp_smarthost',
  'smtp_auth_username',
  'smtp_auth_password',
  'smtp_auth_identity',
  'smtp_require_tls',
];
const GLOBAL_UNSUPPORTED = [
  'http_config',
  'smtp_auth_password_file',
  'smtp_auth_secret',
  'slack_api_url',
  'slack_api_url_file',
  'victorops_api_key',
  'victorops_api_key_file',
  'victorops_api_url',
  'pagerduty_url',
  'opsgenie_api_key',
  'opsgenie_api_key_file',
  'opsgenie_api_url',
  'wechat_api_url',
  'wechat_api_secret',
  'wechat_api_corp_id',
  'telegram_api_url',
  'webex_api_url',
];
const ROUTE_KEYS = [
  'receiver',
  'group_by',
  'match',
  'match_re',
  'matchers',
  'continue',
  'routes',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'mute_time_intervals',
  'active_time_intervals',
];
const RECEIVER_KEYS = ['name', 'webhook_configs', 'email_configs', 'amqp_configs', 'ticket_configs'];
const RECEIVER_UNSUPPORTED = [
  'discord_configs',
  'opsgenie_configs',
  'pagerduty_configs',
  'pushover_configs',
  'slack_configs',
  'sns_configs',
  'telegram_configs',
  'victorops_configs',
  'webex_configs',
  'wechat_configs',
];
const WEBHOOK_KEYS = ['send_resolved', 'url', 'max_alerts', 'http_config'];
const WEBHOOK_UNSUPPORTED = ['url_file'];
const HTTP_KEYS = ['authorization', 'bearer_token'];
const HTTP_UNSUPPORTED = [
  'basic_auth',
  'bearer_token_file',
  'oauth2',
  'tls_config',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'follow_redirects',
  'enable_http2',
];
const EMAIL_KEYS = [
  'send_resolved',
  'to',
  'from',
  'smarthost',
  'hello',
  'auth_username',
  'auth_password',
  'auth_identity',
  'require_tls',
  'headers',
  'html',
  'text',
];
const EMAIL_UNSUPPORTED = ['auth_password_file', 'auth_secret', 'tls_config'];
const AMQP_KEYS = ['send_resolved', 'exchange', 'url'];
const TICKET_KEYS = ['send_resolved', 'reopen_window', 'auto_resolve'];
const INHIBIT_KEYS = ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'];

/** A route as written (config.Route), before inheritance. */
interface PlainRoute {
  readonly path: ConfigPath;
  readonly receiver?: string;
  /** undefined: inherit; 'all' for `...`; else the labels. */
  readonly groupBy?: 'all' | readonly string[];
  readonly matchers: CompiledMatcher[];
  readonly hasMatchers: boolean;
  readonly continue: boolean;
  readonly groupWaitMs?: number;
  readonly groupIntervalMs?: number;
  readonly repeatIntervalMs?: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly PlainRoute[];
}

function compile(reader: Reader, path: ConfigPath, matcher: Matcher): CompiledMatcher | undefined {
  try {
    return compileMatcher(matcher);
  } catch (error) {
    reader.add(path, error instanceof MatcherSyntaxError ? error.message : String(error));
    return undefined;
  }
}

/** `match` (equality), `match_re` (anchored regexes), `matchers` (Alertmanager's syntax), label names checked. */
function readMatchers(reader: Reader, map: RawMap, path: ConfigPath, prefix: string): CompiledMatcher[] {
  const out: CompiledMatcher[] = [];
  for (const [key, type] of [
    [`${prefix}match`, '='],
    [`${prefix}match_re`, '=~'],
  ] as const) {
    const labels = reader.stringMap(map, key, path);
    for (const [name, value] of labels ?? []) {
      if (!isValidLabelName(name)) {
        reader.add([...path, key, name], `invalid label name ${JSON.stringify(name)}`, true);
        continue;
      }
      const m = compile(reader, [...path, key, name], { name, type, value });
      if (m) out.push(m);
    }
  }
  const key = `${prefix}matchers`;
  reader.strings(map, key, path)?.forEach((text, i) => {
    try {
      out.push(...parseMatchers(text));
    } catch (error) {
      reader.add([...path, key, i], error instanceof MatcherSyntaxError ? error.message : String(error));
    }
  });
  return out;
}

function readRoute(reader: Reader, raw: Raw, path: ConfigPath): PlainRoute | undefined {
  const map = reader.map(raw, path);
  if (map === undefined) return undefined;
  reader.keys(map, path, ROUTE_KEYS, [], 'route');
  let groupBy: PlainRoute['groupBy'];
  const groupByText = reader.strings(map, 'group_by', path);
  if (groupByText !== undefined) {
    const labels: string[] = [];
    let all = false;
    groupByText.forEach((label, i) => {
      if (label === '...') all = true;
      else if (!isValidLabelName(label)) reader.add([...path, 'group_by', i], `invalid label name ${JSON.stringify(label)} in group_by list`);
      else if (labels.includes(label)) reader.add([...path, 'group_by', i], `duplicated label ${JSON.stringify(label)} in group_by`);
      else labels.push(label);
    });
    if (all && labels.length > 0) reader.add([...path, 'group_by'], 'cannot have wildcard group_by (`...`) and other other labels at the same time');
    if (all) groupBy = 'all';
    else if (labels.length > 0) groupBy = labels;
  }
  const before = reader.issues.length;
  const matchers = readMatchers(reader, map, path, '');
  const hasMatchers = matchers.length > 0 || reader.issues.length > before;
  const groupIntervalMs = reader.duration(map, 'group_interval', path);
  if (groupIntervalMs === 0) reader.add([...path, 'group_interval'], 'group_interval cannot be zero');
  const repeatIntervalMs = reader.duration(map, 'repeat_interval', path);
  if (repeatIntervalMs === 0) reader.add([...path, 'repeat_interval'], 'repeat_interval cannot be zero');
  const routes: PlainRoute[] = [];
  reader.list(map.get('routes'), [...path, 'routes'])?.forEach((child, i) => {
    // Alertmanager 0.25 crashes on an empty entry (amtool panics): refused here.
    if (child === null) reader.add([...path, 'routes', i], 'empty route');
    const route = readRoute(reader, child, [...path, 'routes', i]);
    if (route) routes.push(route);
  });
  return {
    path,
    receiver: reader.str(map, 'receiver', path),
    groupBy,
    matchers,
    hasMatchers,
    continue: reader.bool(map, 'continue', path) ?? false,
    groupWaitMs: reader.duration(map, 'group_wait', path),
    groupIntervalMs,
    repeatIntervalMs,
    muteTimeIntervals: reader.strings(map, 'mute_time_intervals', path) ?? [],
    activeTimeIntervals: reader.strings(map, 'active_time_intervals', path) ?? [],
    routes,
  };
}

interface Inherited {
  readonly receiver: string;
  readonly groupBy: GroupBy;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

/** dispatch.NewRoute: settings inherited from the parent, matchers sorted, key and ID as Alertmanager's. */
function buildRoute(plain: PlainRoute, parent: Inherited, parentId: string | undefined, position: number | undefined): Route {
  let groupBy = parent.groupBy;
  if (Array.isArray(plain.groupBy)) groupBy = { all: false, labels: plain.groupBy as readonly string[] };
  else if (plain.groupBy === 'all') groupBy = { all: true };
  const opts: Inherited = {
    receiver: plain.receiver !== undefined && plain.receiver !== '' ? plain.receiver : parent.receiver,
    groupBy,
    groupWaitMs: plain.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: plain.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: plain.repeatIntervalMs ?? parent.repeatIntervalMs,
  };
  const matchers = [...plain.matchers].sort(compareMatchers);
  // Route.ID(): the parent's ID, this route's matchers, its position among its siblings.
  const path = `${parentId === undefined ? '' : `${parentId}/`}${formatMatchers(matchers)}`;
  const id = position === undefined ? path : `${path}/${position}`;
  return {
    id,
    ...opts,
    matchers,
    continue: plain.continue,
    muteTimeIntervals: plain.muteTimeIntervals,
    activeTimeIntervals: plain.activeTimeIntervals,
    routes: plain.routes.map((child, i) => buildRoute(child, opts, id, i)),
  };
}

function hostPort(reader: Reader, text: string | undefined, path: ConfigPath): HostPort | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (m === null || !(port >= 0 && port <= 65535)) {
    reader.add(path, `address ${text}: expected host:port with a numeric port`);
    return undefined;
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

function readGlobal(reader: Reader, raw: Raw | undefined): GlobalConfig {
  const path = ['global'];
  const map = reader.map(raw, path) ?? new Map<string, Raw>();
  reader.keys(map, path, GLOBAL_KEYS, GLOBAL_UNSUPPORTED, 'global');
  const resolveTimeoutMs = reader.duration(map, 'resolve_timeout', path) ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const from = reader.str(map, 'smtp_from', path);
  const hello = reader.str(map, 'smtp_hello', path);
  const authUsername = reader.str(map, 'smtp_auth_username', path);
  const authPassword = reader.str(map, 'smtp_auth_password', path);
  const authIdentity = reader.str(map, 'smtp_auth_identity', path);
  return {
    resolveTimeoutMs,
    smtp: {
      ...(from !== undefined && from !== '' ? { from } : {}),
      ...(() => {
        const smarthost = hostPort(reader, reader.str(map, 'smtp_smarthost', path), [...path, 'smtp_smarthost']);
        return smarthost ? { smarthost } : {};
      })(),
      hello: hello !== undefined && hello !== '' ? hello : 'localhost',
      ...(authUsername ? { authUsername } : {}),
      ...(authPassword ? { authPassword } : {}),
      ...(authIdentity ? { authIdentity } : {}),
      requireTls: reader.bool(map, 'smtp_require_tls', path) ?? true,
    },
  };
}

function configs(reader: Reader, receiver: RawMap, key: string, path: ConfigPath): Array<{ map: RawMap; path: ConfigPath }> {
  const out: Array<{ map: RawMap; path: ConfigPath }> = [];
  reader.list(receiver.get(key), [...path, key])?.forEach((item, i) => {
    const at = [...path, key, i];
    const map = item === null ? new Map<string, Raw>() : reader.map(item, at);
    if (map) out.push({ map, path: at });
  });
  return out;
}

function readWebhook(reader: Reader, map: RawMap, path: ConfigPath): WebhookConfig | undefined {
  reader.keys(map, path, WEBHOOK_KEYS, WEBHOOK_UNSUPPORTED, 'webhook_configs');
  const url = reader.str(map, 'url', path);
  let authorization: WebhookConfig['authorization'];
  const http = reader.map(map.get('http_config'), [...path, 'http_config']);
  if (http) {
    const httpPath = [...path, 'http_config'];
    reader.keys(http, httpPath, HTTP_KEYS, HTTP_UNSUPPORTED, 'http_config');
    const bearer = reader.str(http, 'bearer_token', httpPath);
    const auth = reader.map(http.get('authorization'), [...httpPath, 'authorization']);
    if (bearer !== undefined && auth !== undefined) reader.add(httpPath, 'at most one of bearer_token & authorization must be configured');
    if (bearer !== undefined && bearer !== '') authorization = { type: 'Bearer', credentials: bearer };
    if (auth) {
      const authPath = [...httpPath, 'authorization'];
      reader.keys(auth, authPath, ['type', 'credentials'], ['credentials_file'], 'authorization');
      const type = reader.str(auth, 'type', authPath) || 'Bearer';
      if (type.toLowerCase() === 'basic') reader.add([...authPath, 'type'], 'authorization type cannot be set to "basic", use "basic_auth" instead');
      authorization = { type, credentials: reader.str(auth, 'credentials', authPath) ?? '' };
    }
  }
  if (url === undefined || url === '') {
    reader.add(path, 'one of url or url_file must be configured');
    return undefined;
  }
  if (!validHttpUrl(reader, url, [...path, 'url'])) return undefined;
  return {
    sendResolved: reader.bool(map, 'send_resolved', path) ?? true,
    url,
    maxAlerts: reader.int(map, 'max_alerts', path) ?? 0,
    ...(authorization ? { authorization } : {}),
  };
}

function validHttpUrl(reader: Reader, text: string, path: ConfigPath): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    reader.add(path, `invalid URL ${JSON.stringify(text)}`);
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    reader.add(path, `unsupported scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))} for URL`);
    return false;
  }
  if (url.host === '') {
    reader.add(path, 'missing host for URL');
    return false;
  }
  return true;
}

/** Header names as Go's strings.Title (each word's first letter upper case), duplicates refused. */
function titleCase(name: string): string {
  return name.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

function readEmail(reader: Reader, map: RawMap, path: ConfigPath, global: GlobalConfig): EmailConfig | undefined {
  reader.keys(map, path, EMAIL_KEYS, EMAIL_UNSUPPORTED, 'email_configs');
  const to = reader.str(map, 'to', path) ?? '';
  const headers = new Map<string, string>();
  for (const [name, value] of reader.stringMap(map, 'headers', path) ?? []) {
    const normalized = titleCase(name);
    if (headers.has(normalized)) reader.add([...path, 'headers', name], `duplicate header ${JSON.stringify(normalized)} in email config`, true);
    headers.set(normalized, value);
  }
  if (to === '') {
    reader.add(path, 'missing to address in email config');
    return undefined;
  }
  const smarthost = hostPort(reader, reader.str(map, 'smarthost', path), [...path, 'smarthost']) ?? global.smtp.smarthost;
  if (smarthost === undefined) {
    reader.add(path, 'no global SMTP smarthost set');
    return undefined;
  }
  const from = reader.str(map, 'from', path) || global.smtp.from;
  if (from === undefined || from === '') {
    reader.add(path, 'no global SMTP from set');
    return undefined;
  }
  if (!headers.has('Subject')) headers.set('Subject', '{{ template "email.default.subject" . }}');
  if (!headers.has('To')) headers.set('To', to);
  if (!headers.has('From')) headers.set('From', from);
  const authUsername = reader.str(map, 'auth_username', path) || global.smtp.authUsername;
  const authPassword = reader.str(map, 'auth_password', path) || global.smtp.authPassword;
  const authIdentity = reader.str(map, 'auth_identity', path) || global.smtp.authIdentity;
  const html = reader.str(map, 'html', path);
  const text = reader.str(map, 'text', path);
  return {
    sendResolved: reader.bool(map, 'send_resolved', path) ?? false,
    to,
    from,
    smarthost,
    hello: reader.str(map, 'hello', path) || global.smtp.hello,
    ...(authUsername ? { authUsername } : {}),
    ...(authPassword ? { authPassword } : {}),
    ...(authIdentity ? { authIdentity } : {}),
    requireTls: reader.bool(map, 'require_tls', path) ?? global.smtp.requireTls,
    headers,
    html: html ?? '{{ template "email.default.html" . }}',
    ...(text !== undefined && text !== '' ? { text } : {}),
  };
}

function readAmqp(reader: Reader, map: RawMap, path: ConfigPath): AmqpStreamConfig | undefined {
  reader.keys(map, path, AMQP_KEYS, [], 'amqp_configs');
  const exchange = reader.str(map, 'exchange', path) ?? '';
  const url = reader.str(map, 'url', path);
  if (exchange === '') {
    reader.add(path, 'missing exchange in amqp_configs');
    return undefined;
  }
  if (exchange.length > 255) reader.add([...path, 'exchange'], 'exchange names are at most 255 characters');
  if (url !== undefined && url !== '' && !/^amqps?:\/\//.test(url)) {
    reader.add([...path, 'url'], 'url must be an amqp:// or amqps:// URL');
    return undefined;
  }
  return { sendResolved: reader.bool(map, 'send_resolved', path) ?? true, exchange, ...(url ? { url } : {}) };
}

function readTicket(reader: Reader, map: RawMap, path: ConfigPath): TicketConfig {
  reader.keys(map, path, TICKET_KEYS, [], 'ticket_configs');
  return {
    sendResolved: reader.bool(map, 'send_resolved', path) ?? true,
    reopenWindowMs: reader.duration(map, 'reopen_window', path) ?? DEFAULT_REOPEN_WINDOW_MS,
    autoResolve: reader.bool(map, 'auto_resolve', path) ?? true,
  };
}

function readReceivers(reader: Reader, raw: Raw | undefined, global: GlobalConfig): Map<string, ReceiverConfig> {
  const receivers = new Map<string, ReceiverConfig>();
  reader.list(raw, ['receivers'])?.forEach((item, i) => {
    const path = ['receivers', i];
    const map = reader.map(item, path);
    if (map === undefined) return;
    reader.keys(map, path, RECEIVER_KEYS, RECEIVER_UNSUPPORTED, 'receiver');
    const name = reader.str(map, 'name', path) ?? '';
    const webhook = configs(reader, map, 'webhook_configs', path).flatMap((c) => readWebhook(reader, c.map, c.path) ?? []);
    const email = configs(reader, map, 'email_configs', path).flatMap((c) => readEmail(reader, c.map, c.path, global) ?? []);
    const amqp = configs(reader, map, 'amqp_configs', path).flatMap((c) => readAmqp(reader, c.map, c.path) ?? []);
    const tickets = configs(reader, map, 'ticket_configs', path).map((c) => readTicket(reader, c.map, c.path));
    if (name === '') {
      reader.add(path, 'missing name in receiver');
      return;
    }
    if (receivers.has(name)) {
      reader.add([...path, 'name'], `notification config name ${JSON.stringify(name)} is not unique`);
      return;
    }
    receivers.set(name, { name, webhook, email, amqp, tickets });
  });
  return receivers;
}

function readInhibitRules(reader: Reader, raw: Raw | undefined): InhibitRule[] {
  const rules: InhibitRule[] = [];
  reader.list(raw, ['inhibit_rules'])?.forEach((item, i) => {
    const path = ['inhibit_rules', i];
    const map = reader.map(item, path);
    if (map === undefined) return;
    reader.keys(map, path, INHIBIT_KEYS, [], 'inhibit rule');
    const sourceMatchers = readMatchers(reader, map, path, 'source_');
    const targetMatchers = readMatchers(reader, map, path, 'target_');
    const equal: string[] = [];
    reader.strings(map, 'equal', path)?.forEach((name, j) => {
      if (isValidLabelName(name)) equal.push(name);
      else reader.add([...path, 'equal', j], `${JSON.stringify(name)} is not a valid label name`);
    });
    rules.push({ sourceMatchers, targetMatchers, equal });
  });
  return rules;
}

function readTimeIntervals(reader: Reader, top: RawMap): Map<string, TimeInterval[]> {
  const out = new Map<string, TimeInterval[]>();
  for (const key of ['mute_time_intervals', 'time_intervals']) {
    reader.list(top.get(key), [key])?.forEach((item, i) => {
      const path = [key, i];
      const map = reader.map(item, path);
      if (map === undefined) return;
      reader.keys(map, path, ['name', 'time_intervals'], [], key);
      const name = reader.str(map, 'name', path) ?? '';
      const intervals: TimeInterval[] = [];
      reader.list(map.get('time_intervals'), [...path, 'time_intervals'])?.forEach((entry, j) => {
        const interval = parseTimeInterval(reader, entry, [...path, 'time_intervals', j]);
        if (interval) intervals.push(interval);
      });
      if (name === '') reader.add(path, key === 'time_intervals' ? 'missing name in time interval' : 'missing name in mute time interval');
      else if (out.has(name)) reader.add([...path, 'name'], `${key === 'time_intervals' ? 'time interval' : 'mute time interval'} ${JSON.stringify(name)} is not unique`);
      else out.set(name, intervals);
    });
  }
  return out;
}

function checkRouteNames(reader: Reader, route: PlainRoute, receivers: ReadonlyMap<string, unknown>, intervals: ReadonlyMap<string, unknown>): void {
  if (route.receiver !== undefined && route.receiver !== '' && !receivers.has(route.receiver)) {
    reader.add([...route.path, 'receiver'], `undefined receiver ${JSON.stringify(route.receiver)} used in route`);
  }
  route.muteTimeIntervals.forEach((name, i) => {
    if (!intervals.has(name)) reader.add([...route.path, 'mute_time_intervals', i], `undefined time interval ${JSON.stringify(name)} used in route`);
  });
  route.activeTimeIntervals.forEach((name, i) => {
    if (!intervals.has(name)) reader.add([...route.path, 'active_time_intervals', i], `undefined time interval ${JSON.stringify(name)} used in route`);
  });
  for (const child of route.routes) checkRouteNames(reader, child, receivers, intervals);
}

/** The issues located, in the order of the text. */
function located(issues: readonly { path: ConfigPath; message: string; key: boolean }[], locate: ReturnType<typeof readYaml>['locate']): ConfigIssue[] {
  return issues
    .map((issue): ConfigIssue => {
      const pos = locate(issue.path, issue.key);
      return { path: pathText(issue.path), ...(pos ? { line: pos.line, column: pos.column } : {}), message: issue.message };
    })
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.i - b.i)
    .map(({ issue }) => issue);
}

/** Parses and validates; AlertmanagerConfigError listing every problem (key path, line:column, message). */
export function parseAlertmanagerConfig(text: string, options: ParseOptions = {}): AlertmanagerConfig {
  const source = readYaml(text);
  const reader = new Reader();
  const top = source.raw === null ? new Map<string, Raw>() : reader.map(source.raw, []);
  if (top === undefined) throw new AlertmanagerConfigError(located(reader.issues, source.locate));
  reader.keys(top, [], TOP_KEYS, [], 'top-level');
  const global = readGlobal(reader, top.get('global'));
  const receivers = readReceivers(reader, top.get('receivers'), global);
  const inhibitRules = readInhibitRules(reader, top.get('inhibit_rules'));
  const timeIntervals = readTimeIntervals(reader, top);
  const templatePatterns = reader.strings(top, 'templates', []) ?? [];
  const root = top.get('route') === undefined || top.get('route') === null ? undefined : readRoute(reader, top.get('route') ?? null, ['route']);
  if (reader.issues.length > 0) throw new AlertmanagerConfigError(located(reader.issues, source.locate));

  if (root === undefined) reader.add([], 'no routes provided');
  else {
    if (root.receiver === undefined || root.receiver === '') reader.add(['route'], 'root route must specify a default receiver');
    if (root.hasMatchers) reader.add(['route'], 'root route must not have any matchers');
    if (root.continue) reader.add(['route', 'continue'], 'cannot have continue in root route');
    if (root.muteTimeIntervals.length > 0) reader.add(['route', 'mute_time_intervals'], 'root route must not have any mute time intervals');
    if (root.activeTimeIntervals.length > 0) reader.add(['route', 'active_time_intervals'], 'root route must not have any active time intervals');
    checkRouteNames(reader, root, receivers, timeIntervals);
  }
  let templates: TemplateSource[] = [];
  if (templatePatterns.length > 0) {
    if (options.loadTemplates === undefined) reader.add(['templates'], 'template files cannot be read here');
    else {
      try {
        templates = options.loadTemplates(templatePatterns);
      } catch (error) {
        reader.add(['templates'], error instanceof Error ? error.message : String(error));
      }
    }
  }
  if (reader.issues.length > 0 || root === undefined) throw new AlertmanagerConfigError(located(reader.issues, source.locate));
  const route = buildRoute(
    root,
    {
      receiver: '',
      groupBy: { all: false, labels: [] },
      groupWaitMs: DEFAULT_GROUP_WAIT_MS,
      groupIntervalMs: DEFAULT_GROUP_INTERVAL_MS,
      repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
    },
    undefined,
    undefined,
  );
  return { global, route, receivers, inhibitRules, timeIntervals, templates, original: text };
}

/** The configuration in force when none was ever given: every alert to one receiver with no integration. */
export const DEFAULT_CONFIG_YAML = `# MyMONIT's built-in default: alerts are grouped and recorded, sent nowhere.
route:
  receiver: default
  group_by: ['alertname', 'experiment']
receivers:
  - name: default
`;
