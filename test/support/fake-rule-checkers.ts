import type { RuleCheckers } from '../../src/alerting/rules/checkers';

/**
 * Stand-ins for the PromQL engine's check and the Lua sandbox's compile: an expression containing
 * `syntax_error(` is refused with a positioned message, Lua code containing `os.` is refused.
 */
export const fakeRuleCheckers: RuleCheckers = {
  expressions: {
    check(expr) {
      const at = expr.indexOf('syntax_error(');
      return at === -1 ? undefined : { message: `1:${at + 1}: parse error: unknown function with name "syntax_error"` };
    },
  },
  classifiers: {
    // Asynchronous, like the real sandbox's compile.
    checkLua: async (code) => (code.includes('os.') ? 'os is not available in the sandbox' : undefined),
  },
};
