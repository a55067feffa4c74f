import type { CompiledMatcher } from '../matchers';
import type { TimeInterval } from '../timeinterval/time-interval';

/**
 * Alertmanager's configuration (config/config.go, 0.25) as MyMONIT supports it, after validation and with
 * defaults applied (durations in ms). Parsed from the YAML by config/parse.ts; every unsupported key is
 * refused there, naming it. Names are user-chosen: Maps, never plain objects.
 */
export interface AlertmanagerConfig {
  readonly global: GlobalConfig;
  readonly route: Route;
  /** By name, in file order. */
  readonly receivers: ReadonlyMap<string, ReceiverConfig>;
  readonly inhibitRules: readonly InhibitRule[];
  /** `time_intervals` and the deprecated top-level `mute_time_intervals`, by name. */
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  /** Template definitions ({{ define "name" }}) loaded from `templates:` files, in load order. */
  readonly templates: readonly TemplateSource[];
  /** The YAML it was parsed from, byte for byte (GET /alertmanager/config returns it). */
  readonly original: string;
}

export interface GlobalConfig {
  /** Default 5 m: endsAt of a posted alert without one. */
  readonly resolveTimeoutMs: number;
  readonly smtp: SmtpDefaults;
}

export interface SmtpDefaults {
  readonly from?: string;
  readonly smarthost?: HostPort;
  readonly hello: string;
  readonly authUsername?: string;
  readonly authPassword?: string;
  readonly authIdentity?: string;
  readonly requireTls: boolean;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `group_by: ['...']`: group by all labels. */
export type GroupBy = { readonly all: true } | { readonly all: false; readonly labels: readonly string[] };

/** A route with its parent's settings inherited (Alertmanager's dispatch.Route after NewRoute). */
export interface Route {
  /**
   * Alertmanager's route ID (dispatch/route.go `ID()`): the parent's ID, this route's sorted matchers, its
   * position among its siblings: `{}/{a="b"}/0/{c="d"}/1`. Group keys use the route *key* (the same path
   * without positions): `routeKey(route)` in src/notify/dispatch/route.ts.
   */
  readonly id: string;
  readonly receiver: string;
  readonly groupBy: GroupBy;
  readonly matchers: readonly CompiledMatcher[];
  readonly continue: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly Route[];
}

export interface ReceiverConfig {
  readonly name: string;
  readonly webhook: readonly WebhookConfig[];
  readonly email: readonly EmailConfig[];
  /** MyMONIT extension `amqp_configs`: alert and ticket events to an exchange, with publisher confirms. */
  readonly amqp: readonly AmqpStreamConfig[];
  /** MyMONIT extension `ticket_configs`: the group opens / updates a ticket. */
  readonly tickets: readonly TicketConfig[];
}

export interface WebhookConfig {
  readonly sendResolved: boolean;
  readonly url: string;
  /** 0: all alerts. */
  readonly maxAlerts: number;
  /** `http_config.authorization` (type default Bearer) credentials, if any. Never logged. */
  readonly authorization?: { readonly type: string; readonly credentials: string };
}

export interface EmailConfig {
  readonly sendResolved: boolean;
  readonly to: string;
  readonly from: string;
  readonly smarthost: HostPort;
  readonly hello: string;
  readonly authUsername?: string;
  readonly authPassword?: string;
  readonly authIdentity?: string;
  readonly requireTls: boolean;
  /**
   * `tls_config` (Alertmanager's email tls_config, subset): the CA to trust (PEM text, read from `ca_file`
   * when the configuration is loaded), whether to skip verification, the server name to verify. Optional:
   * without it the system's CAs verify the server's certificate for the smarthost's host.
   */
  readonly tls?: { readonly ca?: string; readonly insecureSkipVerify: boolean; readonly serverName?: string };
  /** Header name (as written) -> template text; Subject, To, From defaulted like Alertmanager. */
  readonly headers: ReadonlyMap<string, string>;
  /** Template texts; html defaults to `{{ template "email.default.html" . }}`. */
  readonly html?: string;
  readonly text?: string;
}

export interface AmqpStreamConfig {
  readonly sendResolved: boolean;
  /** Exchange (topic) the events are published to; routing keys `alert.<status>` and `ticket.<event>`. */
  readonly exchange: string;
  /** Broker URL; default: MyMONIT's own RABBIT_URL. Never logged. */
  readonly url?: string;
}

export interface TicketConfig {
  readonly sendResolved: boolean;
  /** A re-fire of the same group within this window reopens its ticket instead of opening another. */
  readonly reopenWindowMs: number;
  /** Resolve the ticket when every alert of the group has resolved. */
  readonly autoResolve: boolean;
}

export interface InhibitRule {
  readonly sourceMatchers: readonly CompiledMatcher[];
  readonly targetMatchers: readonly CompiledMatcher[];
  readonly equal: readonly string[];
}

export interface TemplateSource {
  readonly path: string;
  readonly text: string;
}
