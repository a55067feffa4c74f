import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { CONFIG_CORPUS } from '../../support/alertmanager-configs';
import { amtool } from '../../support/amtool';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from '../../support/real-services';

const root = path.resolve(__dirname, '../../..');

/**
 * `mymonit notify routes test` (the compiled CLI) against Debian's `amtool config routes test` on every
 * routing case of the corpus: the same output, byte for byte; and the newest stored version when no file is named.
 */
describe('mymonit notify routes test vs amtool config routes test', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const mymonit = (args: string[]) => {
    const run = spawnSync(process.execPath, [path.join(root, 'bin/mymonit'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    const printed = run.stdout.split('\n').filter((line) => !line.startsWith('{"')).join('\n');
    return { code: run.status, stdout: printed, stderr: run.stderr };
  };

  beforeAll(async () => {
    execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
    db = await createTestDatabase('mymonit_notify_cli');
    env = { ...process.env, NODE_ENV: 'test', LOG_FORMAT: 'json', DB_DATABASE: db.name, RABBIT_EXCHANGE: uniqueName('cli_ex'), RABBIT_QUEUE: uniqueName('cli_q') };
    expect(mymonit(['migrate']).code).toBe(0);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-notify-cli-'));
  }, 600_000);
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  const cases = CONFIG_CORPUS.flatMap((c) => (c.routes ?? []).map((labels, i) => ({ c, labels, i })));

  it('prints what amtool prints for every routing case of the corpus', () => {
    const differences: string[] = [];
    for (const { c, labels, i } of cases) {
      const file = path.join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
      fs.writeFileSync(file, c.yaml);
      const theirs = amtool(['config', 'routes', 'test', '--config.file', file, ...labels]);
      // Half of the cases through --labels, half as arguments.
      const ours = i % 2 === 0 ? mymonit(['notify', 'routes', 'test', '--config.file', file, ...labels]) : mymonit(['notify', 'routes', 'test', '--config.file', file, '--labels', labels.join(',')]);
      if (ours.code !== 0 || ours.stdout !== theirs.stdout) differences.push(`${c.name} ${labels.join(' ')}: amtool ${JSON.stringify(theirs.stdout)}, mymonit ${JSON.stringify(ours.stdout)} ${ours.stderr}`);
    }
    expect(differences).toEqual([]);
    expect(cases.length).toBeGreaterThan(20);
  });

  it('--verify.receivers as amtool: the same output and exit status', () => {
    const c = CONFIG_CORPUS.find((corpus) => corpus.name === 'tree');
    if (!c) throw new Error('corpus case "tree" missing');
    const file = path.join(dir, 'verify.yml');
    fs.writeFileSync(file, c.yaml);
    for (const verify of ['pager', 'team-a', 'pager,team-a']) {
      const labels = ['team=a', 'severity=critical'];
      const theirs = amtool(['config', 'routes', 'test', '--config.file', file, `--verify.receivers=${verify}`, ...labels]);
      const ours = mymonit(['notify', 'routes', 'test', '--config.file', file, `--verify.receivers=${verify}`, ...labels]);
      expect({ code: ours.code, stdout: ours.stdout }).toEqual({ code: theirs.status, stdout: theirs.stdout });
    }
  });

  it('routes with the newest stored version without --config.file, and refuses non-equality labels as amtool', async () => {
    expect(mymonit(['notify', 'routes', 'test', '--labels', 'a=b'])).toMatchObject({ code: 0, stdout: 'default\n' });
    const base = testConfig().db;
    const connection = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, database: db.name });
    const yaml = "route:\n  receiver: x\n  routes: [{matchers: ['a=\"b\"'], receiver: y, continue: true}, {receiver: z}]\nreceivers: [{name: x}, {name: y}, {name: z}]\n";
    await connection.query("INSERT INTO alertmanager_configs (yaml, sha256, source, created_at_ms) VALUES (?, REPEAT('0', 64), 'api', 0)", [yaml]);
    await connection.end();
    expect(mymonit(['notify', 'routes', 'test', '--labels', 'a=b'])).toMatchObject({ code: 0, stdout: 'y,z\n' });
    expect(mymonit(['notify', 'routes', 'test', 'a!=b'])).toMatchObject({ code: 1, stderr: 'mymonit: labels must be specified as key=value pairs\n' });
  });
});
