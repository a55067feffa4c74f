import path from 'node:path';
import { z } from 'zod';
import { commonShape, loadAdapterConfig, type ConfigSources, type EnvBinding } from '../common/config';
import { mappingSchema } from '../common/mapping';

const csvSchema = z.strictObject({
  delimiter: z.string().length(1).default(','),
  quote: z.string().length(1).default('"'),
  /** The first line names the columns. */
  header: z.boolean().default(true),
  /** Column names, when the file has no header line (or to rename the header's columns). */
  columns: z.array(z.string().min(1)).min(1).optional(),
});

export const fileConfigSchema = z.strictObject({
  ...commonShape,
  file: z
    .strictObject({
      path: z.string({ error: 'required: set file.path, FILE_ADAPTER_PATH or --path' }).min(1),
      /** csv, or jsonl (one JSON object per line); default from the extension (.csv, .tsv, .jsonl, .ndjson). */
      format: z.enum(['csv', 'jsonl']).optional(),
      /** once: read to the end and exit; follow: keep reading what is appended (like tail -F). */
      mode: z.enum(['once', 'follow']).default('once'),
      /** Where the position is remembered; default `<path>.mymonit-state.json`. */
      stateFile: z.string().min(1).optional(),
      pollIntervalMs: z.coerce.number().int().min(10).default(250),
      checkpointIntervalMs: z.coerce.number().int().min(10).default(1000),
      /** Bytes read at a time. */
      chunkBytes: z.coerce.number().int().min(4096).default(1_048_576),
      csv: csvSchema.prefault({}),
      /** How records become measures (see adapters/README.md); JSON lines without one must be measures. */
      mapping: mappingSchema.optional(),
    })
    .refine((f) => resolveFormat(f.path, f.format) === 'jsonl' || f.csv.header || f.csv.columns, {
      message: 'a CSV file without a header needs csv.columns',
    }),
});

export type FileAdapterConfig = z.infer<typeof fileConfigSchema>;
export type FileSection = FileAdapterConfig['file'];

export const FILE_ENV: readonly EnvBinding[] = [
  ['FILE_ADAPTER_PATH', 'file.path'],
  ['FILE_ADAPTER_FORMAT', 'file.format'],
  ['FILE_ADAPTER_MODE', 'file.mode'],
  ['FILE_ADAPTER_STATE_FILE', 'file.stateFile'],
];

export function resolveFormat(file: string, format?: 'csv' | 'jsonl'): 'csv' | 'jsonl' {
  if (format) return format;
  return /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
}

export function defaultStateFile(file: string): string {
  return `${path.resolve(file)}.mymonit-state.json`;
}

export function loadFileAdapterConfig(sources: ConfigSources): FileAdapterConfig {
  const config = loadAdapterConfig(fileConfigSchema, { ...sources, envBindings: FILE_ENV, section: 'file' });
  if (!config.file.format && /\.tsv$/i.test(config.file.path) && !sources.overrides?.['file.csv.delimiter']) {
    config.file.csv.delimiter = config.file.csv.delimiter === ',' ? '\t' : config.file.csv.delimiter;
  }
  return config;
}
