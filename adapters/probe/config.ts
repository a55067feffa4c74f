import { z } from 'zod';
import { emptyRecord, keyedRecord } from '../common/keyed-record';
import { commonShape, loadAdapterConfig, type ConfigSources, type EnvBinding } from '../common/config';

const name = z.string().regex(/^[A-Za-z0-9_.:/-]{1,128}$/, 'letters, digits and _ . : / - (it becomes the source)');
const statusSpec = z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/, 'a status such as 200 or 2xx')]);

const common = {
  name,
  /** Overrides probe.intervalMs / probe.timeoutMs for this check. */
  intervalMs: z.coerce.number().int().min(100).optional(),
  timeoutMs: z.coerce.number().int().min(1).optional(),
  experiment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  tags: keyedRecord(z.string()).default(emptyRecord),
};

export const httpCheckSchema = z.strictObject({
  ...common,
  type: z.literal('http'),
  url: z.url(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
  headers: keyedRecord(z.string()).default(emptyRecord),
  body: z.string().optional(),
  /** Expected status: a code, a class such as 2xx, or a list; default 2xx. */
  expectStatus: z.union([statusSpec, z.array(statusSpec).min(1)]).default('2xx'),
  /** The response body must contain this text. */
  bodyContains: z.string().optional(),
  followRedirects: z.boolean().default(true),
});

export const tcpCheckSchema = z.strictObject({
  ...common,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
});

export const dnsCheckSchema = z.strictObject({
  ...common,
  type: z.literal('dns'),
  hostname: z.string().min(1),
  rrtype: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'PTR', 'SOA', 'CAA']).default('A'),
  /** A DNS server (`ip` or `ip:port`) to ask; default: the system resolver (getaddrinfo, A/AAAA only). */
  server: z.string().min(1).optional(),
  /** The answer must contain this value (an address, a name...). */
  expect: z.string().optional(),
});

export const checkSchema = z.discriminatedUnion('type', [httpCheckSchema, tcpCheckSchema, dnsCheckSchema]);

export const probeConfigSchema = z
  .strictObject({
    ...commonShape,
    probe: z
      .strictObject({
      intervalMs: z.coerce.number().int().min(100).default(60_000),
      timeoutMs: z.coerce.number().int().min(1).default(5_000),
      /** Metric names: <prefix>_success, <prefix>_duration_ms, <prefix>_http_status. */
      metricPrefix: z.string().regex(/^[A-Za-z0-9_.:/-]{1,64}$/).default('probe'),
      checks: z.array(checkSchema, { error: 'required: a list of checks (http, tcp or dns)' }).min(1),
    }),
  })
  .refine((c) => c.probe.checks.every((check) => check.experiment ?? c.experiment), {
    message: 'every check needs an experiment (checks[].experiment or the top-level experiment)',
  })
  .refine((c) => new Set(c.probe.checks.map((check) => check.name)).size === c.probe.checks.length, {
    message: 'check names must be unique (each is the source of its measures)',
  });

export type ProbeAdapterConfig = z.infer<typeof probeConfigSchema>;
export type Check = z.infer<typeof checkSchema>;
export type HttpCheck = z.infer<typeof httpCheckSchema>;
export type TcpCheck = z.infer<typeof tcpCheckSchema>;
export type DnsCheck = z.infer<typeof dnsCheckSchema>;

export const PROBE_ENV: readonly EnvBinding[] = [['PROBE_ADAPTER_INTERVAL_MS', 'probe.intervalMs']];

export function loadProbeAdapterConfig(sources: ConfigSources): ProbeAdapterConfig {
  return loadAdapterConfig(probeConfigSchema, { ...sources, envBindings: PROBE_ENV, section: 'probe' });
}
