import { Command } from 'commander';
import { AdapterConfigError, redactedConfig } from '../common/config';
import { main } from '../common/cli';
import { createLogger } from '../common/logger';
import { mymonitVersion } from '../common/version';
import { Agent } from './agent';
import { loadAgentConfig, type AgentConfig } from './config';

interface AgentFlags {
  config?: string;
  printConfig?: boolean;
  name?: string;
}

/** mymonit-agent: runs the core's signed plugins and mesh probes on this machine (docs/checks.md). */
export function agentCli(name = 'mymonit-agent'): Command {
  return new Command(name)
    .description('Run signed plugins and mesh probes for the MyMONIT core, over RabbitMQ (outward connections only).')
    .version(`${name} ${mymonitVersion()}`, '-V, --version', 'print the version and exit')
    .option('-c, --config <file>', 'YAML or JSON configuration file (see adapters/README.md)')
    .option('--print-config', 'print the resolved configuration (secrets masked) and exit')
    .option('-n, --name <name>', 'the agent name (agent.name)')
    .addHelpText(
      'after',
      '\nEnvironment (overrides the config file): RABBIT_URL, RABBIT_USER, RABBIT_PASSWORD, RABBIT_EXCHANGE, LOG_LEVEL,\n' +
        'AGENT_NAME, AGENT_PLUGIN_DIR, AGENT_PUBLIC_KEY_FILE.\nExit status: 0 after a clean stop, 1 on failure, 2 for a configuration error.',
    )
    .action(async (flags: AgentFlags) => {
      process.exitCode = await runAgent(flags);
    });
}

export async function runAgent(flags: AgentFlags): Promise<number> {
  let config: AgentConfig;
  try {
    config = loadAgentConfig({ file: flags.config, overrides: { 'agent.name': flags.name } });
  } catch (error) {
    if (error instanceof AdapterConfigError) {
      console.error(`mymonit-agent: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (flags.printConfig) {
    process.stdout.write(`${JSON.stringify(redactedConfig(config), null, 2)}\n`);
    return 0;
  }
  const logger = createLogger('agent', config.logLevel);
  let agent: Agent;
  try {
    agent = new Agent(config, logger);
  } catch (error) {
    console.error(`mymonit-agent: ${(error as Error).message}`);
    return 2;
  }
  const stopped = new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) process.exit(130);
      logger.info('stopping', { signal });
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  try {
    await agent.start();
  } catch (error) {
    logger.error('agent failed', { error: (error as Error).message });
    await agent.stop();
    return 1;
  }
  await stopped;
  await agent.stop();
  logger.info('agent stopped', agent.summary());
  return 0;
}

if (require.main === module) main(agentCli());
