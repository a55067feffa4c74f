import { tcpReachable } from '../../lib/amqp/broker-probe';

/**
 * Integration and e2e tests talk to real servers. This setup finds them: the ones the environment names
 * (DB_HOST/DB_PORT, RABBIT_URL), else the local defaults, else testcontainers when a Docker engine runs.
 * When none answers, it fails the run loudly: a test never skips itself for want of a server.
 */
function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return tcpReachable(host, port, timeoutMs);
}

function rabbitHostPort(): { host: string; port: number } {
  const raw = process.env.RABBIT_URL ?? 'localhost';
  const url = new URL(/^amqps?:\/\//.test(raw) ? raw : `amqp://${raw}`);
  return { host: url.hostname, port: Number(url.port || 5672) };
}

async function dockerEngineAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  const dbHost = process.env.DB_HOST ?? '127.0.0.1';
  const dbPort = Number(process.env.DB_PORT ?? 3306);
  const rabbit = rabbitHostPort();
  const [dbUp, rabbitUp] = await Promise.all([reachable(dbHost, dbPort), reachable(rabbit.host, rabbit.port)]);
  if (dbUp && rabbitUp) {
    process.env.DB_HOST = dbHost;
    process.env.DB_PORT = String(dbPort);
    return;
  }
  if (await dockerEngineAvailable()) {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    const mysql = dbUp ? undefined : await new MySqlContainer('mysql:8.4').withRootPassword('test').start();
    const rmq = rabbitUp ? undefined : await new RabbitMQContainer('rabbitmq:4-management').start();
    if (mysql) {
      process.env.DB_HOST = mysql.getHost();
      process.env.DB_PORT = String(mysql.getPort());
      process.env.DB_USER = 'root';
      process.env.DB_PASSWORD = 'test';
    }
    if (rmq) process.env.RABBIT_URL = rmq.getAmqpUrl();
    (globalThis as { __containers?: unknown[] }).__containers = [mysql, rmq].filter(Boolean);
    return;
  }
  const missing = [
    dbUp ? null : `MariaDB/MySQL at ${dbHost}:${dbPort}`,
    rabbitUp ? null : `RabbitMQ at ${rabbit.host}:${rabbit.port}`,
  ].filter(Boolean);
  throw new Error(
    `Real services unreachable: ${missing.join(', ')}. Start them (see README "Troubleshooting": ` +
      `'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd', 'rabbitmq-server -detached') ` +
      `or point DB_HOST/DB_PORT/RABBIT_URL at running servers. Tests never skip for want of a server.`,
  );
}
