import { adapterCommand, main, runAdapter, type CommonFlags } from '../common/cli';
import { loadFileAdapterConfig } from './config';
import { FileAdapter } from './file-adapter';

interface FileFlags extends CommonFlags {
  path?: string;
  format?: string;
  once?: boolean;
  follow?: boolean;
  stateFile?: string;
  experiment?: string;
}

/** mymonit-file-adapter: publishes the measures of a CSV or JSON-lines file, once or following it. */
export function fileAdapterCli() {
  return adapterCommand(
    'mymonit-file-adapter',
    'Publish the measures of a CSV or JSON-lines file to MyMONIT, once or following the file as it grows; ' +
      'the position is remembered across restarts in a state file.',
    'FILE_ADAPTER_PATH, FILE_ADAPTER_FORMAT, FILE_ADAPTER_MODE, FILE_ADAPTER_STATE_FILE',
  )
    .option('-f, --path <file>', 'the file to read (file.path)')
    .option('--format <format>', 'csv or jsonl (file.format; default from the extension)')
    .option('--once', 'read to the end, publish, exit (file.mode: once)')
    .option('--follow', 'keep reading what is appended, like tail -F (file.mode: follow)')
    .option('--state-file <file>', 'where the position is remembered (file.stateFile)')
    .option('-e, --experiment <code>', 'experiment of measures that do not name one')
    .action(async (flags: FileFlags) => {
      process.exitCode = await runAdapter({
        adapter: 'file',
        flags,
        loadConfig: () =>
          loadFileAdapterConfig({
            file: flags.config,
            overrides: {
              'file.path': flags.path,
              'file.format': flags.format,
              'file.mode': flags.follow ? 'follow' : flags.once ? 'once' : undefined,
              'file.stateFile': flags.stateFile,
              experiment: flags.experiment,
            },
          }),
        createJob: (config, publisher, logger) => new FileAdapter(config.file, publisher, logger, config.experiment),
      });
    });
}

if (require.main === module) main(fileAdapterCli());
