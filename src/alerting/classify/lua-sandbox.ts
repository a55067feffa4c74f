import { LuaEventMasks, LuaFactory, LuaGlobal, LuaLibraries, LuaReturn } from 'wasmoon';
import type { LuaWasm } from 'wasmoon';
import type { ClassifyInput } from './classify';
import { DEFAULT_LUA_LIMITS, HOOK_EVERY, type LuaLimits } from './lua-limits';
import { luaPrelude } from './lua-prelude';
import { describeValue, errorMessage, loadText, setArrayGlobal } from './lua-state';

/** What a run gave back: the first returned value, described, or why there is none. */
export type LuaOutcome =
  | { readonly ok: true; readonly type: string; readonly text?: string }
  | { readonly ok: false; readonly reason: string };

const MEMORY_ERROR = 'not enough memory';

/**
 * Runs classifier code in a real Lua 5.4 VM (wasmoon: the reference implementation compiled to
 * WebAssembly). Every run gets a fresh Lua state, closed afterwards, so nothing a classifier does outlives
 * its run. The wasm module (its linear memory) is shared by the runs of one sandbox; each state's
 * allocations are counted and capped.
 */
export class LuaSandbox {
  private module: Promise<LuaWasm> | undefined;

  constructor(
    private readonly limits: LuaLimits = DEFAULT_LUA_LIMITS,
    private readonly factory: LuaFactory = new LuaFactory(),
  ) {}

  /** Compiles without running: the syntax error, or undefined. */
  async compile(code: string): Promise<string | undefined> {
    const tooLong = this.tooLong(code);
    if (tooLong) return tooLong;
    const lua = await this.lua();
    const state = new LuaGlobal(lua, true);
    try {
      const L = state.address;
      const status = loadText(lua, L, code, 'classifier');
      return status === LuaReturn.Ok ? undefined : errorMessage(lua, L, status);
    } finally {
      state.close();
    }
  }

  async run(code: string, input: ClassifyInput): Promise<LuaOutcome> {
    const tooLong = this.tooLong(code);
    if (tooLong) return { ok: false, reason: tooLong };
    const lua = await this.lua();
    const state = new LuaGlobal(lua, true);
    let hook: number | undefined;
    try {
      const L = state.address;
      this.prepare(lua, state, input);
      state.setMemoryMax(state.getMemoryUsed() + this.limits.memoryBytes);
      const loaded = loadText(lua, L, code, 'classifier');
      if (loaded !== LuaReturn.Ok) return { ok: false, reason: `syntax error: ${failure(errorMessage(lua, L, loaded), loaded)}` };

      const limit = new RunLimit(this.limits);
      hook = lua.module.addFunction((hooked: number) => {
        const exceeded = limit.tick();
        if (exceeded === undefined) return;
        // From now on every instruction fails, so no pcall can catch its way out of the limit.
        lua.lua_sethook(hooked, hook ?? null, LuaEventMasks.Count, 1);
        lua.lua_pushstring(hooked, exceeded);
        lua.lua_error(hooked);
      }, 'vii');
      lua.lua_sethook(L, hook, LuaEventMasks.Count, HOOK_EVERY);
      const status: LuaReturn = lua.lua_pcallk(L, 0, 1, 0, 0, null);
      lua.lua_sethook(L, null, 0, 0);
      state.setMemoryMax(undefined);

      if (limit.exceeded !== undefined) return { ok: false, reason: limit.exceeded };
      if (status !== LuaReturn.Ok) return { ok: false, reason: failure(errorMessage(lua, L, status), status) };
      return { ok: true, ...describeValue(lua, L, -1) };
    } finally {
      state.close();
      if (hook !== undefined) lua.module.removeFunction(hook);
    }
  }

  private prepare(lua: LuaWasm, state: LuaGlobal, input: ClassifyInput): void {
    const L = state.address;
    for (const library of [LuaLibraries.Base, LuaLibraries.Math, LuaLibraries.String, LuaLibraries.Table]) {
      state.loadLibrary(library);
    }
    let status = loadText(lua, L, luaPrelude(this.limits.stringBytes), 'sandbox');
    if (status === LuaReturn.Ok) status = lua.lua_pcallk(L, 0, 0, 0, 0, null);
    if (status !== LuaReturn.Ok) throw new Error(`Lua sandbox set-up failed: ${errorMessage(lua, L, status)}`);
    setArrayGlobal(lua, L, 'values', input.values);
    setArrayGlobal(lua, L, 'messages', input.messages);
  }

  private tooLong(code: string): string | undefined {
    const bytes = Buffer.byteLength(code, 'utf8');
    return bytes > this.limits.codeBytes ? `code is ${bytes} bytes, more than the ${this.limits.codeBytes} allowed` : undefined;
  }

  private lua(): Promise<LuaWasm> {
    this.module ??= this.factory.getLuaModule();
    return this.module;
  }
}

/** Counts instructions in steps of HOOK_EVERY and watches the clock; names the first limit exceeded. */
class RunLimit {
  exceeded: string | undefined;
  private instructions = 0;
  private readonly deadline: number;

  constructor(private readonly limits: LuaLimits) {
    this.deadline = Date.now() + limits.wallMs;
  }

  tick(): string | undefined {
    if (this.exceeded === undefined) {
      this.instructions += HOOK_EVERY;
      if (this.instructions > this.limits.instructions) this.exceeded = 'instruction limit exceeded';
      else if (Date.now() > this.deadline) this.exceeded = 'wall time limit exceeded';
    }
    return this.exceeded;
  }
}

function failure(message: string, status: LuaReturn): string {
  if (status === LuaReturn.ErrorMem || message === MEMORY_ERROR) return 'memory limit exceeded';
  return message;
}
