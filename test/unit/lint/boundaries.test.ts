import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rules of eslint.config.mjs, proved on snippets: each layer has an import the rule must report and
 * one it must allow. ESLint runs in a child process because its config is an ES module jest cannot load;
 * the type-aware rules are switched off there so snippets need not be files of the TypeScript program.
 */
const ROOT = path.resolve(__dirname, '../../..');
const RULE = 'layers/layer-boundaries';

interface Snippet {
  filePath: string;
  code: string;
}

const LINTER = `
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
const snippets = JSON.parse(await new Response(process.stdin).text());
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });
const found = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath });
  found.push(result.messages.map((m) => m.ruleId ?? m.message));
}
process.stdout.write(JSON.stringify(found));
`;

/** The rule ids (or fatal parse messages) ESLint reports for each snippet, in order. */
function lint(snippets: Snippet[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', LINTER],
      { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as string[][]);
      },
    );
    child.stdin?.end(JSON.stringify(snippets.map((s) => ({ ...s, filePath: path.join(ROOT, s.filePath) }))));
  });
}

const forbidden: Array<[string, Snippet]> = [
  ['domain may not import another layer of ours', { filePath: 'src/domain/probe.ts', code: "import { TYPES } from '../identifiers';\nexport const t = TYPES;\n" }],
  ['domain may not import logging', { filePath: 'src/domain/deep/probe.ts', code: "import { redactText } from '../../logging/redaction';\nexport const r = redactText;\n" }],
  ['lib may not import src', { filePath: 'lib/contract/probe.ts', code: "import { TYPES } from '../../src/identifiers';\nexport const t = TYPES;\n" }],
  ['lib may not import adapters', { filePath: 'lib/probe.ts', code: "export { publish } from '../adapters/sdk/publisher';\n" }],
  ['services may not import rest', { filePath: 'src/services/probe.ts', code: "import { buildApp } from '../rest/app';\nexport const b = buildApp;\n" }],
  ['services may not import amqp', { filePath: 'src/services/probe.ts', code: "import * as amqp from '../amqp/topology';\nexport const a = amqp;\n" }],
  ['services may not import a storage class', { filePath: 'src/services/probe.ts', code: "import { MysqlUserStore } from '../storage/mysql-user-store';\nexport const s = MysqlUserStore;\n" }],
  ['services may not import a storage class even as a type', { filePath: 'src/services/probe.ts', code: "import type { MysqlUserStore } from '../storage/mysql-user-store';\nexport type S = MysqlUserStore;\n" }],
  ['services may not import a value from the storage contracts', { filePath: 'src/services/probe.ts', code: "import { something } from '../storage/stores';\nexport const s = something;\n" }],
  ['services may not load storage dynamically', { filePath: 'src/services/probe.ts', code: "export const s = import('../storage/mysql-user-store');\n" }],
  ['storage may not import services', { filePath: 'src/storage/probe.ts', code: "import { UserService } from '../services/user-service';\nexport const u = UserService;\n" }],
  ['storage may not import rest', { filePath: 'src/storage/probe.ts', code: "import type { Request } from '../rest/app';\nexport type R = Request;\n" }],
  ['adapters may not import src', { filePath: 'adapters/sdk/probe.ts', code: "import { TYPES } from '../../src/identifiers';\nexport const t = TYPES;\n" }],
  ['adapters may not require src', { filePath: 'adapters/probe.ts', code: "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const c = require('../src/config');\n" }],
  ['policies may not import storage', { filePath: 'src/policies/probe.ts', code: "import type { UserStore } from '../storage/stores';\nexport type S = UserStore;\n" }],
];

const allowed: Array<[string, Snippet]> = [
  ['domain may import itself, lib and packages', { filePath: 'src/domain/probe.ts', code: "import type { Role } from './role';\nimport { x } from '../../lib/contract/x';\nimport { z } from 'zod';\nexport type R = Role;\nexport const v = [x, z];\n" }],
  ['lib may import lib and packages', { filePath: 'lib/amqp/probe.ts', code: "import { y } from '../contract/y';\nimport amqp from 'amqplib';\nexport const v = [y, amqp];\n" }],
  ['services may import the domain and type the storage contracts', { filePath: 'src/services/probe.ts', code: "import type { UserStore, MeasureReader } from '../storage/stores';\nimport { User } from '../domain/user';\nexport type S = [UserStore, MeasureReader, User];\n" }],
  ['storage may import the domain and the identifiers', { filePath: 'src/storage/probe.ts', code: "import { TYPES } from '../identifiers';\nimport { User } from '../domain/user';\nexport const v = [TYPES, User];\n" }],
  ['adapters may import adapters and lib', { filePath: 'adapters/sdk/probe.ts', code: "import { a } from '../common/exposition';\nimport { b } from '../../lib/amqp/backoff';\nexport const v = [a, b];\n" }],
  ['policies may import policies, the domain and lib', { filePath: 'src/policies/engine/probe.ts', code: "import { EMPTY } from './relation';\nimport { ValidationError } from '../../domain/errors';\nexport const v = [EMPTY, ValidationError];\n" }],
  ['rest may import services and storage (no rule for it here)', { filePath: 'src/rest/probe.ts', code: "import { UserService } from '../services/user-service';\nexport const u = UserService;\n" }],
];

describe('layer boundaries', () => {
  let reports: string[][];

  beforeAll(async () => {
    reports = await lint([...forbidden, ...allowed].map(([, snippet]) => snippet));
  });

  test.each(forbidden.map(([name], i) => [name, i] as const))('%s', (_name, i) => {
    expect(reports[i]).toEqual([RULE]);
  });

  test.each(allowed.map(([name], i) => [name, forbidden.length + i] as const))('%s', (_name, i) => {
    expect(reports[i]).toEqual([]);
  });
});
