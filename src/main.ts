import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Container } from 'inversify';
import type { TokenIssuer } from './auth/token-verifier';
import { ConfigError, loadProcessConfig, type Config } from './config';
import { runsIn, type Component, type ProcessRole } from './component';
import { buildContainer } from './container';
import { DomainError } from './domain/errors';
import { ROLES, type Role } from './domain/role';
import { TYPES } from './identifiers';
import type { Logger } from './logging/logger';
import { packageVersion } from './project-root';
import type { RuleService } from './services/rule-service';
import { AlertmanagerConfigService } from './services/notify/alertmanager-config-service';
import { templateLoader } from './services/notify/template-files';
import { parseAlertmanagerConfig } from './notify/config/parse';
import { routesTestOutput } from './notify/dispatch/route';
import { parseLabelArguments } from './notify/matchers-parse';
import type { UserService } from './services/user-service';
import type { Database, Migrator } from './storage/stores';

/**
 * Starts the components `mymonit serve | consume | all` runs (TYPES.Component, in binding order) and stops
 * them in reverse order on SIGTERM/SIGINT.
 */
async function run(container: Container, config: Config, role: ProcessRole): Promise<void> {
  const logger = container.get<Logger>(TYPES.Logger);
  const components = container.getAll<Component>(TYPES.Component).filter((component) => runsIn(component, role));
  const started: Component[] = [];

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting without draining', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: no new work, draining in-flight work', { signal });
    for (const component of [...started].reverse()) await component.stop();
    await container.get<Database>(TYPES.Database).close();
    logger.info('stopped cleanly');
    // Lines still queued for Logstash would be lost at exit.
    await logger.close?.();
  };
  // Handlers go in before anything starts, so a SIGTERM during start-up still drains instead of killing.
  // `on`, not `once`: once the last listener is gone Node restores the default action, and a signal
  // arriving during the drain would kill the process mid-commit.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
    });
  }

  if (config.db.migrateOnStart) await container.get<Migrator>(TYPES.Migrator).migrate();
  for (const component of components) {
    if (stopping) break;
    started.push(component);
    await component.start();
  }
}

/** One-shot commands (migrate, user, token) release their connections so the process can exit. */
async function once<T>(container: Container, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await container.get<Database>(TYPES.Database).close();
    await container.get<Logger>(TYPES.Logger).close?.();
  }
}

function program(): Command {
  const cli = new Command('mymonit')
    .description('MyMONIT: measures over AMQP into MySQL, served over REST')
    .version(packageVersion(), '-V, --version', 'print the version and exit');
  const boot = () => {
    const config = loadProcessConfig();
    return { config, container: buildContainer(config) };
  };

  cli.command('serve').description('run the REST API').action(async () => {
    const { config, container } = boot();
    await run(container, config, 'serve');
  });
  cli.command('consume').description('run the AMQP consumer').action(async () => {
    const { config, container } = boot();
    await run(container, config, 'consume');
  });
  cli.command('all').description('run the REST API and the AMQP consumer in one process').action(async () => {
    const { config, container } = boot();
    await run(container, config, 'all');
  });
  cli.command('migrate').description('apply database migrations and exit').action(async () => {
    const { container } = boot();
    const version = await once(container, () => container.get<Migrator>(TYPES.Migrator).migrate());
    process.stdout.write(`schema at version ${version}\n`);
  });

  const user = cli.command('user').description('manage users from the command line (bootstrap the first ADMIN)');
  user
    .command('create')
    .description('create a user; needs no token, so it is how the first ADMIN is made')
    .addOption(new Option('--role <role>', 'ADMIN or SCIENTIST').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--username <uid>', "the identity provider's uid (for AUTH_MODE=local, any name)")
    .requiredOption('--user-id <id>', 'institute id, e.g. S123')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--email <email>', 'email address')
    .action(async (options: { role: Role; username: string; userId: string; name: string; email: string }) => {
      const { config, container } = boot();
      const created = await once(container, async () => {
        if (config.db.migrateOnStart) await container.get<Migrator>(TYPES.Migrator).migrate();
        return container.get<UserService>(TYPES.UserService).createFromCli(options);
      });
      process.stdout.write(`created user ${created.id} (${created.role}, pseudonym ${created.pseudonym})\n`);
    });

  const rules = cli.command('rules').description('alerting and recording rules in Prometheus rule-file format (docs/rules.md)');
  rules
    .command('import <file>')
    .description('validate a Prometheus rule file whole, then create its groups in an experiment (one transaction)')
    .requiredOption('--experiment <code>', 'the experiment the groups belong to')
    .option('--replace', 'replace groups that already exist (default: refuse them)', false)
    .action(async (file: string, options: { experiment: string; replace: boolean }) => {
      const { config, container } = boot();
      const text = await readFile(file, 'utf8');
      const outcomes = await once(container, async () => {
        if (config.db.migrateOnStart) await container.get<Migrator>(TYPES.Migrator).migrate();
        return container.get<RuleService>(TYPES.RuleService).importFile('cli', options.experiment, text, options.replace);
      });
      for (const outcome of outcomes) {
        process.stdout.write(`${outcome.action} group ${outcome.group} (${outcome.rules} rules) in experiment ${options.experiment}\n`);
      }
      if (outcomes.length === 0) process.stdout.write('the file has no groups: nothing changed\n');
    });
  rules
    .command('export')
    .description('print a rule file (what `promtool check rules` accepts) of one experiment, or of all')
    .option('--experiment <code>', 'only this experiment')
    .action(async (options: { experiment?: string }) => {
      const { config, container } = boot();
      const text = await once(container, async () => {
        if (config.db.migrateOnStart) await container.get<Migrator>(TYPES.Migrator).migrate();
        return container.get<RuleService>(TYPES.RuleService).exportFile('cli', options.experiment);
      });
      process.stdout.write(text);
    });

  const notify = cli.command('notify').description('the notification stage (Alertmanager-compatible; docs/notifications.md)');
  notify
    .command('routes')
    .description('the routing tree of the Alertmanager configuration')
    .command('test [labels...]')
    .description('print the receivers an alert with these labels is routed to, comma-separated, as `amtool config routes test`')
    .option('--labels <pairs>', 'labels as a=b,c="d" (Alertmanager matcher syntax, equality only); also as arguments')
    .option('--config.file <file>', 'route with this configuration file instead of the newest stored version')
    .option('--verify.receivers <list>', 'fail (exit 1) unless the receivers are exactly these, comma-separated, as amtool')
    .action(async (labelArgs: string[], options: { labels?: string; 'config.file'?: string; 'verify.receivers'?: string }) => {
      const labels = parseLabelArguments([...(options.labels !== undefined ? [options.labels] : []), ...labelArgs]);
      const file = options['config.file'];
      let route;
      if (file !== undefined) {
        const text = await readFile(file, 'utf8');
        route = parseAlertmanagerConfig(text, { loadTemplates: templateLoader(path.dirname(path.resolve(file))) }).route;
      } else {
        const { config, container } = boot();
        route = await once(container, async () => {
          if (config.db.migrateOnStart) await container.get<Migrator>(TYPES.Migrator).migrate();
          return (await container.get(AlertmanagerConfigService).newest()).route;
        });
      }
      const receivers = routesTestOutput(route, labels);
      process.stdout.write(`${receivers}\n`);
      const expected = options['verify.receivers'];
      if (expected !== undefined && expected !== receivers) {
        process.stdout.write('WARNING: Expected receivers did not match resolved receivers.\n');
        process.exitCode = 1;
      }
    });

  // The agent runs on monitored machines; loaded only when asked for (adapters/agent/, docs/checks.md).
  cli
    .command('agent')
    .description('run a MyMONIT agent: signed plugins and mesh probes over RabbitMQ (mymonit agent --config agent.yaml; --help for its options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]', "the agent's options (--config, --print-config, --name, --help)")
    .action(async (args: string[]) => {
      const { agentCli } = await import('../adapters/agent/main');
      await agentCli('mymonit agent').parseAsync(args, { from: 'user' });
    });

  cli
    .command('token <username>')
    .description('print a bearer token for a user (AUTH_MODE=local only)')
    .option('--ttl <duration>', 'lifetime such as 1h or 7d')
    .action(async (username: string, options: { ttl?: string }) => {
      const { config, container } = boot();
      if (config.auth.mode !== 'local') throw new ConfigError('AUTH_MODE: tokens are printed only in local mode');
      const token = await once(container, async () => {
        const known = await container.get<UserService>(TYPES.UserService).authenticate(username);
        if (!known) process.stderr.write(`warning: no MyMONIT user has username ${username}; the token will get 401\n`);
        // Bound to this user's pseudonym: the token is refused if the name later passes to someone else.
        return container.get<TokenIssuer>(TYPES.TokenIssuer).issue(username, options.ttl, known?.pseudonym);
      });
      process.stdout.write(`${token}\n`);
    });
  return cli;
}

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`mymonit: configuration error: ${error.message}`);
      process.exit(2);
    }
    // A refused rule file lists every problem, one per line, each with its line and column.
    const listed = error instanceof DomainError ? error.details?.errors : undefined;
    if (Array.isArray(listed) && listed.length > 0) {
      for (const item of listed as { message?: unknown }[]) console.error(`mymonit: ${String(item.message)}`);
      process.exit(1);
    }
    console.error(`mymonit: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
