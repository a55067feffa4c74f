/** Bounds of one Lua classifier run. Every run gets a fresh Lua state with these. */
export interface LuaLimits {
  /** Lua VM instructions (counted in steps of `hookEvery`). */
  readonly instructions: number;
  /** Bytes the classifier may allocate beyond the sandbox's own set-up. */
  readonly memoryBytes: number;
  /** Wall time of the run, checked with the instruction count. */
  readonly wallMs: number;
  /** Longest result `string.rep` may build, in bytes. */
  readonly stringBytes: number;
  /** Longest accepted classifier source, in bytes. */
  readonly codeBytes: number;
}

export const DEFAULT_LUA_LIMITS: LuaLimits = {
  instructions: 1_000_000,
  memoryBytes: 8 * 1024 * 1024,
  wallMs: 1_000,
  stringBytes: 1024 * 1024,
  codeBytes: 64 * 1024,
};

/** The count hook runs every this many instructions: the granularity of the instruction and time limits. */
export const HOOK_EVERY = 1_000;
