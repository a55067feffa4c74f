import { BuiltinCheckExecutor } from '../../../../src/checks/builtin/builtin-executor';
import { BUILTIN_CHECK_KINDS } from '../../../../src/checks/model';
import type { CheckExecutor } from '../../../../src/checks/ports';
import { buildContainer } from '../../../../src/container';
import { TYPES } from '../../../../src/identifiers';
import type { Logger } from '../../../../src/logging/logger';
import { testConfig } from '../../../support/real-services';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };

describe('built-in checks wiring', () => {
  it('the container has a CheckExecutor for the built-in kinds, bound so that other executors can be bound beside it', () => {
    const container = buildContainer(testConfig({}), silent);
    const executors = container.getAll<CheckExecutor>(TYPES.CheckExecutor);
    const builtin = executors.filter((executor) => executor instanceof BuiltinCheckExecutor);
    expect(builtin).toHaveLength(1);
    expect(builtin[0]?.kinds).toEqual(BUILTIN_CHECK_KINDS);
    container.bind<CheckExecutor>(TYPES.CheckExecutor).toConstantValue({ kinds: ['plugin', 'mesh'], execute: () => Promise.reject(new Error('not run')) });
    expect(container.getAll<CheckExecutor>(TYPES.CheckExecutor).flatMap((executor) => executor.kinds)).toEqual(expect.arrayContaining([...BUILTIN_CHECK_KINDS, 'plugin', 'mesh']));
  });
});
