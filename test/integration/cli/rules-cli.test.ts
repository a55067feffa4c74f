import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { promtool } from '../../support/promtool';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from '../../support/real-services';

const root = path.resolve(__dirname, '../../..');

const FILE = `groups:
  - name: load
    interval: 1m
    rules:
      - alert: HighLoad
        expr: load1 > 4
        for: 5m
        labels:
          severity: major
        annotations:
          summary: "{{ $labels.instance }} is at {{ $value | humanize }}"
          mymonit_classifier: '{"lua":"local t = {{1}} return values[1] > 8 and \\"critical\\" or \\"ok\\"","history":3}'
      - record: job:load1:avg
        expr: avg by (job) (load1)
`;

/** `mymonit rules import|export` as an operator runs them: the compiled CLI in a child process. */
describe('mymonit rules import / export', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const mymonit = (args: string[]) => {
    const run = spawnSync(process.execPath, [path.join(root, 'bin/mymonit'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    // The process's JSON log lines (the audit events) share stdout with what the command prints.
    const printed = run.stdout.split('\n').filter((line) => !line.startsWith('{"')).join('\n');
    return { code: run.status, stdout: printed, stderr: run.stderr };
  };

  beforeAll(async () => {
    execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
    db = await createTestDatabase('mymonit_rules_cli');
    env = { ...process.env, NODE_ENV: 'test', LOG_FORMAT: 'json', DB_DATABASE: db.name, RABBIT_EXCHANGE: uniqueName('cli_ex'), RABBIT_QUEUE: uniqueName('cli_q') };
    expect(mymonit(['migrate']).code).toBe(0);
    const base = testConfig().db;
    const connection = await mysql.createConnection({ host: base.host, port: base.port, user: base.user, password: base.password, database: db.name });
    await connection.query("INSERT INTO experiments (code, name, created_at, updated_at) VALUES ('EXP1', 'one', NOW(3), NOW(3)), ('EXP2', 'two', NOW(3), NOW(3))");
    await connection.end();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-rules-cli-'));
  }, 600_000);
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('imports a rule file, refuses it again without --replace, replaces with it, and exports what promtool accepts', () => {
    const file = path.join(dir, 'in.yml');
    fs.writeFileSync(file, FILE);
    const first = mymonit(['rules', 'import', file, '--experiment', 'EXP1']);
    expect(first).toMatchObject({ stderr: '', code: 0, stdout: 'created group load (2 rules) in experiment EXP1\n' });
    const again = mymonit(['rules', 'import', file, '--experiment', 'EXP1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has a rule group "load" \(use --replace\)/);
    expect(mymonit(['rules', 'import', file, '--experiment', 'EXP1', '--replace']).stdout).toBe('replaced group load (2 rules) in experiment EXP1\n');

    const exported = mymonit(['rules', 'export', '--experiment', 'EXP1']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain('{{1}}');
    const out = path.join(dir, 'out.yml');
    fs.writeFileSync(out, exported.stdout);
    expect(promtool(['check', 'rules', out])).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 2 rules found') });

    expect(mymonit(['rules', 'import', out, '--experiment', 'EXP2']).code).toBe(0);
    expect(mymonit(['rules', 'export', '--experiment', 'EXP2']).stdout).toBe(exported.stdout.replace(/EXP1/g, 'EXP2'));
  });

  it('validates the whole file before writing anything, and names each problem with its line', () => {
    const file = path.join(dir, 'bad.yml');
    fs.writeFileSync(file, 'groups:\n  - name: fresh\n    rules:\n      - alert: A\n        expr: up\n  - name: broken\n    interval: 10\n    rules:\n      - record: "bad name"\n        expr: up\n');
    const refused = mymonit(['rules', 'import', file, '--experiment', 'EXP1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^mymonit: line 7:15: group "broken": "interval": not a valid duration string: "10"$/m);
    expect(refused.stderr).toMatch(/^mymonit: line 9:\d+: group "broken", rules\[0\] \(record "bad name"\): invalid recording rule name: bad name$/m);
    expect(mymonit(['rules', 'export', '--experiment', 'EXP1']).stdout).not.toContain('fresh');
  });
});
