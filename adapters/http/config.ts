import { z } from 'zod';
import { commonShape, loadAdapterConfig, type ConfigSources, type EnvBinding } from '../common/config';

export const httpConfigSchema = z.strictObject({
  ...commonShape,
  http: z
    .strictObject({
    host: z.string().min(1).default('0.0.0.0'),
    port: z.coerce.number().int().min(0).max(65535).default(8086),
    /** The bearer token clients must send (`Authorization: Bearer <token>`, or `Token <token>`). */
    token: z.string({ error: 'required: set http.token or HTTP_ADAPTER_TOKEN' }).min(16, 'at least 16 characters'),
    /** Largest request body (JSON or line protocol), e.g. 5mb. */
    bodyLimit: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 5mb').default('5mb'),
    /** How long a request waits for the broker's confirm before answering 503. */
    confirmTimeoutMs: z.coerce.number().int().min(1).default(10_000),
    /** Line protocol: tags whose value becomes the source (first present wins). */
    sourceTags: z.array(z.string().min(1)).default(['source', 'host']),
    /** Line protocol: metric = measurement + separator + field (a field named `value`: the measurement alone). */
    separator: z.string().default('_'),
    }),
});

export type HttpAdapterConfig = z.infer<typeof httpConfigSchema>;

export const HTTP_ENV: readonly EnvBinding[] = [
  ['HTTP_ADAPTER_TOKEN', 'http.token'],
  ['HTTP_ADAPTER_HOST', 'http.host'],
  ['HTTP_ADAPTER_PORT', 'http.port'],
];

export function loadHttpAdapterConfig(sources: ConfigSources): HttpAdapterConfig {
  return loadAdapterConfig(httpConfigSchema, { ...sources, envBindings: HTTP_ENV, section: 'http' });
}
