import type { LuaWasm } from 'wasmoon';
import { LuaReturn, LuaType } from 'wasmoon';

/**
 * The few raw Lua C API steps the sandbox needs that wasmoon's high-level API does not offer as wanted
 * (text-only loading, tables built without wasmoon's JS proxies, results read without conversion).
 * Strings go through the wasm heap, not the small emscripten stack, whatever their size.
 */
export function withCString<T>(lua: LuaWasm, text: string, use: (pointer: number, size: number) => T): T {
  const size = lua.module.lengthBytesUTF8(text);
  const pointer = lua.module._malloc(size + 1);
  try {
    lua.module.stringToUTF8(text, pointer, size + 1);
    return use(pointer, size);
  } finally {
    lua.module._free(pointer);
  }
}

/** Compiles text (never a binary chunk: mode `t`) and pushes the function; the status says if it compiled. */
export function loadText(lua: LuaWasm, L: number, code: string, chunkName: string): LuaReturn {
  return withCString(lua, code, (pointer, size) => lua.luaL_loadbufferx(L, pointer, size, `=${chunkName}`, 't'));
}

/** Sets global `name` to a sequence (1-based) of numbers or strings. */
export function setArrayGlobal(lua: LuaWasm, L: number, name: string, items: readonly (number | string)[]): void {
  lua.lua_createtable(L, items.length, 0);
  items.forEach((item, i) => {
    if (typeof item === 'number') lua.lua_pushnumber(L, item);
    else withCString(lua, item, (pointer, size) => lua.lua_pushlstring(L, pointer, size));
    lua.lua_rawseti(L, -2, BigInt(i + 1));
  });
  lua.lua_setglobal(L, name);
}

/** Describes the value at `index` without running any Lua (no `__tostring`): text for strings and numbers. */
export function describeValue(lua: LuaWasm, L: number, index: number): { type: string; text?: string } {
  const type: LuaType = lua.lua_type(L, index);
  if (type === LuaType.String || type === LuaType.Number) {
    return { type: type === LuaType.String ? 'string' : 'number', text: lua.lua_tolstring(L, index, null) };
  }
  return { type: lua.lua_typename(L, type) };
}

/** The message of a failed load or call, on top of the stack. */
export function errorMessage(lua: LuaWasm, L: number, status: LuaReturn): string {
  const error = describeValue(lua, L, -1);
  if (error.text !== undefined) return error.text;
  return status === LuaReturn.ErrorMem ? 'not enough memory' : `error object is a ${error.type} value`;
}
