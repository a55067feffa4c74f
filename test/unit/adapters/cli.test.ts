import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadAdapterConfig, redactedConfig } from '../../../adapters/common/config';
import { fileAdapterCli } from '../../../adapters/file/main';
import { loadFileAdapterConfig } from '../../../adapters/file/config';
import { httpAdapterCli } from '../../../adapters/http/main';
import { loadHttpAdapterConfig } from '../../../adapters/http/config';
import { probeAdapterCli } from '../../../adapters/probe/main';
import { loadProbeAdapterConfig } from '../../../adapters/probe/config';
import { prometheusAdapterCli } from '../../../adapters/prometheus/main';
import { loadPrometheusAdapterConfig } from '../../../adapters/prometheus/config';
import { z } from 'zod';

const example = (adapter: string) => path.join(__dirname, '../../../adapters', adapter, 'config.example.yaml');

const CLIS: Array<[string, () => Command, string[]]> = [
  ['file', fileAdapterCli, ['--path', '--once', '--follow', '--state-file']],
  ['http', httpAdapterCli, ['--port', '--host']],
  ['prometheus', prometheusAdapterCli, ['--once', '--interval']],
  ['probe', probeAdapterCli, ['--once', '--interval']],
];

describe('adapter command lines', () => {
  it.each(CLIS)('%s adapter has --help naming its options and the environment', (_name, cli, options) => {
    const help = cli().helpInformation();
    for (const option of ['--config', '--print-config', ...options]) expect(help).toContain(option);
    let out = '';
    const program = cli()
      .exitOverride()
      .configureOutput({ writeOut: (text) => (out += text) });
    expect(() => program.parse(['node', 'adapter', '--help'])).toThrow();
    expect(out).toContain('RABBIT_URL');
  });

  it.each(CLIS)('%s adapter answers --version with the package version and does nothing else', (name, cli) => {
    let out = '';
    const program = cli()
      .exitOverride()
      .configureOutput({ writeOut: (text) => (out += text) });
    const action = jest.fn();
    program.action(action);
    expect(() => program.parse(['node', 'adapter', '--version'])).toThrow(expect.objectContaining({ code: 'commander.version', exitCode: 0 }));
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(out).toBe(`mymonit-${name}-adapter ${version}\n`);
    expect(action).not.toHaveBeenCalled();
  });

  it.each(CLIS)('%s adapter prints its resolved example config with secrets masked', async (name, cli) => {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => {
      out += String(text);
      return true;
    });
    const previous = process.env.RABBIT_URL;
    process.env.RABBIT_URL = 'amqp://user:s3cret@rabbit:5672';
    try {
      await cli().parseAsync(['node', 'adapter', '--config', example(name), '--print-config']);
    } finally {
      write.mockRestore();
      if (previous === undefined) delete process.env.RABBIT_URL;
      else process.env.RABBIT_URL = previous;
    }
    expect(process.exitCode ?? 0).toBe(0);
    const printed = JSON.parse(out) as { rabbit: { url: string; password: string } };
    expect(printed.rabbit).toMatchObject({ url: 'amqp://user:***@rabbit:5672', password: '***' });
    expect(out).not.toContain('s3cret');
  });

  it('exits 2 with the key at fault for a bad configuration', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await probeAdapterCli().parseAsync(['node', 'probe', '--config', example('file'), '--print-config']);
      expect(process.exitCode).toBe(2);
      expect(String(error.mock.calls[0]![0])).toMatch(/mymonit-probe-adapter: invalid configuration .*probe/);
    } finally {
      error.mockRestore();
      process.exitCode = 0;
    }
  });
});

describe('adapter configuration', () => {
  it('loads every example file', () => {
    expect(loadFileAdapterConfig({ file: example('file'), env: {} }).file.mapping?.metrics?.temperature).toEqual({ column: 'temp_c', unit: 'C' });
    expect(loadHttpAdapterConfig({ file: example('http'), env: {} }).http.port).toBe(8086);
    expect(loadPrometheusAdapterConfig({ file: example('prometheus'), env: {} }).prometheus.targets).toHaveLength(2);
    expect(loadProbeAdapterConfig({ file: example('probe'), env: {} }).probe.checks.map((c) => c.type)).toEqual(['http', 'http', 'tcp', 'dns']);
  });

  it('lets the environment override the file, and flags override both', () => {
    const config = loadHttpAdapterConfig({
      file: example('http'),
      env: { RABBIT_URL: 'rabbit', RABBIT_USER: 'adapter', RABBIT_EXCHANGE: 'other', HTTP_ADAPTER_TOKEN: 'from-the-environment-0123', HTTP_ADAPTER_PORT: '9000' },
      overrides: { 'http.port': '9100' },
    });
    expect(config.rabbit).toMatchObject({ url: 'rabbit', user: 'adapter', exchange: 'other', routingKey: 'measures' });
    expect(config.http).toMatchObject({ token: 'from-the-environment-0123', port: 9100 });
  });

  it('refuses unknown keys and says which', () => {
    const schema = z.strictObject({ publisher: z.strictObject({ lingerMs: z.number() }).optional(), rabbit: z.unknown(), logLevel: z.unknown(), experiment: z.unknown() });
    expect(() => loadAdapterConfig(schema, { env: {}, overrides: { 'publisher.lingerMS': 5 } })).toThrow(/publisher: Unrecognized key: "lingerMS"/);
    expect(() => loadHttpAdapterConfig({ env: { HTTP_ADAPTER_TOKEN: 'short' } })).toThrow(/http.token: .*at least 16/);
  });

  it('masks passwords, tokens and URL credentials', () => {
    expect(redactedConfig({ a: { password: 'p', token: 't', url: 'amqps://u:p@h/v' } })).toEqual({ a: { password: '***', token: '***', url: 'amqps://u:***@h/v' } });
  });
});
