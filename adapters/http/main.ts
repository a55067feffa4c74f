import { adapterCommand, main, runAdapter, type CommonFlags } from '../common/cli';
import { loadHttpAdapterConfig } from './config';
import { HttpAdapter } from './http-adapter';

interface HttpFlags extends CommonFlags {
  port?: string;
  host?: string;
  experiment?: string;
}

/** mymonit-http-adapter: an HTTP endpoint for JSON measures, InfluxDB line protocol and Prometheus remote write. */
export function httpAdapterCli() {
  return adapterCommand(
    'mymonit-http-adapter',
    'Accept measures over HTTP and publish them to MyMONIT: JSON (POST /measures) and InfluxDB line protocol ' +
      '(POST /write, POST /api/v2/write, with /ping and /query as InfluxDB clients expect) and Prometheus remote ' +
      'write (POST /api/v1/write), with a token; answers once the broker confirmed (line protocol and remote write 204, JSON 202).',
    'HTTP_ADAPTER_TOKEN (required unless http.token is set), HTTP_ADAPTER_HOST, HTTP_ADAPTER_PORT',
  )
    .option('-p, --port <port>', 'port to listen on (http.port, default 8086)')
    .option('--host <host>', 'address to listen on (http.host, default 0.0.0.0)')
    .option('-e, --experiment <code>', 'experiment of measures and points that do not name one')
    .action(async (flags: HttpFlags) => {
      process.exitCode = await runAdapter({
        adapter: 'http',
        flags,
        whenFull: 'fail',
        loadConfig: () =>
          loadHttpAdapterConfig({
            file: flags.config,
            overrides: { 'http.port': flags.port, 'http.host': flags.host, experiment: flags.experiment },
          }),
        createJob: (config, publisher, logger) => new HttpAdapter(config, publisher, logger),
      });
    });
}

if (require.main === module) main(httpAdapterCli());
