/**
 * What rule validation needs from the PromQL engine and the Lua sandbox, as narrow ports: the container
 * binds the real ones (PromqlEngine.check and validateLuaClassifier fit), tests use fakes.
 */

/** Syntax and static type check of a PromQL expression: undefined when valid, else the error with its position. */
export interface ExpressionChecker {
  check(expr: string): { readonly message: string } | undefined;
}

/** Compiles a Lua classifier without running it: undefined when valid, else why not (the sandbox answers asynchronously). */
export interface ClassifierChecker {
  checkLua(code: string): Promise<string | undefined> | string | undefined;
}

export interface RuleCheckers {
  readonly expressions: ExpressionChecker;
  readonly classifiers: ClassifierChecker;
}
