/**
 * Lua run in each fresh state before the classifier, with the base, math, string and table libraries
 * open: it keeps only the globals in `KEPT_GLOBALS`, guards `string.rep`, and defines Prophasis's array
 * helpers. The state is discarded after one run, so nothing here needs to be protected from the
 * classifier itself beyond what could reach the host.
 */

/**
 * Kept: pure functions over values. Gone: `load`, `loadfile`, `dofile` (code loading, and so binary
 * chunks), `collectgarbage`, `print` and `warn` (host output), `getmetatable`/`setmetatable` (the string
 * metatable is shared by every string, and `__gc` finalizers would run at close, outside any limit).
 * `io`, `os`, `package`/`require`, `debug`, `coroutine` and `utf8` are never opened.
 */
export const KEPT_GLOBALS = [
  '_G', '_VERSION', 'assert', 'error', 'ipairs', 'next', 'pairs', 'pcall', 'rawequal', 'rawget', 'rawlen',
  'rawset', 'select', 'tonumber', 'tostring', 'type', 'xpcall', 'math', 'string', 'table',
] as const;

/** Prophasis's helpers; NaN values are skipped by the numeric ones, which return nil for no number. */
const HELPERS = `
function arrayMax(a)
  local m
  for _, v in ipairs(a) do if v == v and (m == nil or v > m) then m = v end end
  return m
end
function arrayMin(a)
  local m
  for _, v in ipairs(a) do if v == v and (m == nil or v < m) then m = v end end
  return m
end
function arraySum(a)
  local s = 0
  for _, v in ipairs(a) do if v == v then s = s + v end end
  return s
end
function arrayAvg(a)
  local s, n = 0, 0
  for _, v in ipairs(a) do if v == v then s = s + v; n = n + 1 end end
  if n == 0 then return nil end
  return s / n
end
function arrayContains(a, x)
  for _, v in ipairs(a) do if v == x then return true end end
  return false
end
function arrayCount(a, x)
  local n = 0
  for _, v in ipairs(a) do if v == x then n = n + 1 end end
  return n
end
`;

export function luaPrelude(stringBytes: number): string {
  const kept = KEPT_GLOBALS.map((name) => `[${JSON.stringify(name)}] = true`).join(', ');
  return `
local kept = { ${kept} }
local names = {}
for name in pairs(_G) do names[#names + 1] = name end
for _, name in ipairs(names) do if not kept[name] then _G[name] = nil end end
string.dump = nil

local rep, type, error, tostring = string.rep, type, error, tostring
local MAX = ${stringBytes}
string.rep = function(s, n, sep)
  if (type(s) == 'string' or type(s) == 'number') and type(n) == 'number' and n > 1 then
    local size = #tostring(s) * n
    if sep ~= nil and (type(sep) == 'string' or type(sep) == 'number') then size = size + #tostring(sep) * (n - 1) end
    if size > MAX then error('string.rep result too large (limit ' .. MAX .. ' bytes)', 2) end
    -- C Lua copies an empty string n times: an empty result must not cost n steps.
    if size == 0 then return '' end
  end
  return rep(s, n, sep)
end

-- Lua calls a message handler from inside the error, where a hook that raised the error has hooks
-- switched off: a looping handler would then run unbounded. So the handler runs after the unwinding,
-- as ordinary counted code.
local pcall, pack, unpack = pcall, table.pack, table.unpack
xpcall = function(f, handler, ...)
  local results = pack(pcall(f, ...))
  if results[1] then return unpack(results, 1, results.n) end
  return false, handler(results[2])
end
${HELPERS}`;
}
