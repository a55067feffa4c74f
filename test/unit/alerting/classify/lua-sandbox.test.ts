import { LuaSandbox } from '../../../../src/alerting/classify/lua-sandbox';
import { SandboxedClassifier, validateLuaClassifier } from '../../../../src/alerting/classify/sandboxed-classifier';
import { WorkerLuaSandbox } from '../../../../src/alerting/classify/worker-sandbox';
import type { Classifier } from '../../../../src/alerting/rules/rule';

/** The default: classifiers run in a worker thread, terminated if a run outlives its wall time. */
const classifier = new SandboxedClassifier();
afterAll(() => classifier.close());
const lua = (code: string): Classifier => ({ kind: 'lua', code, history: 5 });
const input = { values: [42, 87, 93.5], messages: ['started', 'load high', 'load higher'] };
const run = (code: string, values: readonly number[] = input.values) => classifier.classify(lua(code), { values, messages: input.messages });

/** Prophasis's sample classifier (thesis, figure 4.6), completed. */
const PROPHASIS_STYLE = `
if arrayContains(values, "none") then
  return "unknown"
end
maxValue = arrayMax(values)
if maxValue >= 100 then
  return "critical"
elseif maxValue >= 90 then
  return "major"
elseif maxValue >= 80 then
  return "minor"
end
return "ok"`;

describe('Lua classifiers: what they see and return', () => {
  it('a Prophasis-style classifier classifies on the maximum of its history', async () => {
    expect(await run(PROPHASIS_STYLE)).toEqual({ severity: 'major' });
    expect(await run(PROPHASIS_STYLE, [101, 2])).toEqual({ severity: 'critical' });
    expect(await run(PROPHASIS_STYLE, [1, 2])).toEqual({ severity: 'ok' });
  });

  it('values and messages are sequences, oldest first', async () => {
    const code = `
      if #values == 3 and values[1] == 42 and values[3] == 93.5 and messages[1] == "started"
        and #messages == 3 and messages[3] == "load higher" then return "ok" end
      return "critical"`;
    expect(await run(code)).toEqual({ severity: 'ok' });
  });

  it('the helpers: arrayMax, arrayMin, arraySum, arrayAvg, arrayContains, arrayCount', async () => {
    const code = `
      local v = values
      assert(arrayMax(v) == 93.5, "max")
      assert(arrayMin(v) == 42, "min")
      assert(arraySum(v) == 222.5, "sum")
      assert(math.abs(arrayAvg(v) - 222.5 / 3) < 1e-12, "avg")
      assert(arrayContains(v, 87) and not arrayContains(v, 88), "contains")
      assert(arrayContains(messages, "load high"), "contains string")
      assert(arrayCount({1, 2, 1, 1}, 1) == 3, "count")
      assert(arrayMax({}) == nil and arrayAvg({}) == nil and arraySum({}) == 0, "empty")
      assert(arrayMax({0/0, 3}) == 3, "NaN skipped")
      return "minor"`;
    expect(await run(code)).toEqual({ severity: 'minor' });
  });

  it('math, string and table are there', async () => {
    const code = `
      local parts = {}
      for w in string.gmatch("a b c", "%a") do table.insert(parts, w) end
      assert(table.concat(parts, ",") == "a,b,c")
      assert(math.floor(values[3]) == 93 and string.format("%.1f", values[3]) == "93.5")
      assert(("x"):rep(3) == "xxx" and string.rep("ab", 3, "-") == "ab-ab-ab")
      return pcall(error, "caught") and "critical" or "ok"`;
    expect(await run(code)).toEqual({ severity: 'ok' });
  });

  it('xpcall hands the error to its handler', async () => {
    const code = 'local ok, m = xpcall(function(a) error("x" .. a, 0) end, function(m) return m .. "!" end, "y") return (not ok and m == "xy!") and "ok" or "bad"';
    expect(await run(code)).toEqual({ severity: 'ok' });
  });

  it('every severity can be returned', async () => {
    for (const severity of ['ok', 'minor', 'major', 'critical', 'unknown'] as const) {
      expect(await run(`return "${severity}"`)).toEqual({ severity });
    }
  });

  it('thresholds classify the last value', async () => {
    const thresholds: Classifier = { kind: 'thresholds', thresholds: [{ severity: 'major', op: '>', value: 90 }] };
    expect(await classifier.classify(thresholds, input)).toEqual({ severity: 'major' });
    expect(await classifier.classify(thresholds, { values: [95, 10], messages: [] })).toEqual({ severity: 'ok' });
    expect(await classifier.classify(thresholds, { values: [], messages: [] })).toEqual({ severity: 'unknown' });
  });
});

describe('Lua classifiers: escapes and run-aways are unknown with the reason', () => {
  it.each<[string, string, string | RegExp]>([
    ['io.open', 'return io.open("/etc/passwd")', "classifier:1: attempt to index a nil value (global 'io')"],
    ['os.execute', 'os.execute("touch /tmp/pwned")', "classifier:1: attempt to index a nil value (global 'os')"],
    ['require', 'local os = require("os")', "classifier:1: attempt to call a nil value (global 'require')"],
    ['load', 'return load("return 1")()', "classifier:1: attempt to call a nil value (global 'load')"],
    ['loadstring', 'return loadstring("return 1")()', "classifier:1: attempt to call a nil value (global 'loadstring')"],
    ['dofile', 'dofile("/etc/passwd")', "classifier:1: attempt to call a nil value (global 'dofile')"],
    ['loadfile', 'loadfile("/etc/passwd")', "classifier:1: attempt to call a nil value (global 'loadfile')"],
    ['debug.getinfo', 'return debug.getinfo(1)', "classifier:1: attempt to index a nil value (global 'debug')"],
    ['the string metatable', 'getmetatable("").__index.rep = nil', "classifier:1: attempt to call a nil value (global 'getmetatable')"],
    ['setmetatable (__gc at close)', 'setmetatable({}, { __gc = function() while true do end end })', "classifier:1: attempt to call a nil value (global 'setmetatable')"],
    ['string.dump', 'return string.dump(function() end)', "classifier:1: attempt to call a nil value (field 'dump')"],
    ['package', 'return package.loadlib("libc.so.6", "system")', "classifier:1: attempt to index a nil value (global 'package')"],
    ['coroutine', 'return coroutine.wrap(function() end)', "classifier:1: attempt to index a nil value (global 'coroutine')"],
    ['collectgarbage', 'collectgarbage("stop")', "classifier:1: attempt to call a nil value (global 'collectgarbage')"],
    ['a binary chunk', '\x1bLua\x54\x00', "syntax error: attempt to load a binary chunk (mode is 't')"],
    ['a string.rep bomb', 'return string.rep("x", 1e9)', /string\.rep result too large/],
    ['a string.rep bomb as a method', 'return ("x"):rep(1e9)', /string\.rep result too large/],
    ['a string.rep bomb with a separator', 'return string.rep("", 1e9, "xx")', /string\.rep result too large/],
    ['an infinite loop', 'while true do end', 'instruction limit exceeded'],
    ['an infinite loop that catches the limit', 'while true do pcall(function() while true do end end) end', 'instruction limit exceeded'],
    ['an error handler that loops', 'xpcall(function() while true do end end, function() while true do end end) while true do end', 'instruction limit exceeded'],
    ['deep recursion', 'local function f() return 1 + f() end return f()', /memory limit exceeded|stack overflow/],
    ['a table memory blow-up', 'local t = {} local i = 0 while true do i = i + 1 t[i] = { i } end', 'memory limit exceeded'],
    ['a string doubling blow-up', 'local s = "x" while true do s = s .. s end', 'memory limit exceeded'],
    ['a memory error caught and ignored', 'while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end) end', 'instruction limit exceeded'],
    ['a non-severity string', 'return "bad"', 'returned "bad", not a severity'],
    ['a number', 'return 42', 'returned 42, not a severity'],
    ['a table', 'return { "ok" }', 'returned a table, not a severity'],
    ['a boolean', 'return true', 'returned a boolean, not a severity'],
    ['nothing', 'local x = 1', 'returned nil, not a severity'],
    ['an error', 'error("disk table missing")', 'classifier:1: disk table missing'],
    ['an error with a table', 'error({})', 'error object is a table value'],
    ['a syntax error', 'if then', "syntax error: classifier:1: unexpected symbol near 'then'"],
  ])('%s', async (_name, code, reason) => {
    const result = await run(code);
    expect(result.severity).toBe('unknown');
    if (typeof reason === 'string') expect(result.reason).toBe(reason);
    else expect(result.reason).toMatch(reason);
  });

  it('a long backtracking pattern (C code, out of the hook\'s reach) ends with the worker, and the next run gets a fresh one', async () => {
    const small = new SandboxedClassifier(new WorkerLuaSandbox({ instructions: 1_000_000, memoryBytes: 8 << 20, wallMs: 200, stringBytes: 1 << 20, codeBytes: 1000 }));
    try {
      expect(await small.classify(lua('local s = ("a"):rep(100000) s:find(".-.-.-b") return "ok"'), input)).toEqual({
        severity: 'unknown',
        reason: 'wall time limit exceeded',
      });
      expect(await small.classify(lua('table.move({}, 1, 1e15, 1, {}) return "ok"'), input)).toEqual({
        severity: 'unknown',
        reason: 'wall time limit exceeded',
      });
      expect(await small.classify(lua(PROPHASIS_STYLE), input)).toEqual({ severity: 'major' });
    } finally {
      await small.close();
    }
  });

  it('runs also in this thread (LuaSandbox), with the same bounds on Lua code', async () => {
    const inThread = new SandboxedClassifier(new LuaSandbox());
    expect(await inThread.classify(lua('while true do end'), input)).toEqual({ severity: 'unknown', reason: 'instruction limit exceeded' });
    expect(await inThread.classify(lua('return io'), input)).toEqual({ severity: 'unknown', reason: 'returned nil, not a severity' });
    expect(await inThread.classify(lua('return string.rep("", 1e15) == "" and "ok"'), input)).toEqual({ severity: 'ok' });
    expect(await inThread.classify(lua(PROPHASIS_STYLE), input)).toEqual({ severity: 'major' });
  });

  it('code longer than the limit is refused before it is compiled', async () => {
    const sandbox = new SandboxedClassifier(new LuaSandbox({ instructions: 1000, memoryBytes: 1 << 20, wallMs: 1000, stringBytes: 100, codeBytes: 10 }));
    expect(await sandbox.classify(lua('return "ok" -- long'), input)).toEqual({
      severity: 'unknown',
      reason: 'code is 19 bytes, more than the 10 allowed',
    });
  });

  it('after every escape attempt, a normal classifier still works and nothing leaked from earlier runs', async () => {
    expect(await run('LEAK = "critical"; string.upper = nil; arrayMax = nil; math.huge = 0; return "ok"')).toEqual({ severity: 'ok' });
    const fresh = `
      if LEAK ~= nil then return "critical" end
      if string.upper("a") ~= "A" or math.huge ~= 1/0 then return "major" end
      return arrayMax(values) > 90 and "minor" or "ok"`;
    expect(await run(fresh)).toEqual({ severity: 'minor' });
    expect(await run(PROPHASIS_STYLE)).toEqual({ severity: 'major' });
  });

  it('a tighter instruction limit stops a loop a looser one lets finish', async () => {
    const loop = 'local n = 0 for i = 1, 100000 do n = n + i end return "ok"';
    const tight = new SandboxedClassifier(new LuaSandbox({ instructions: 10_000, memoryBytes: 1 << 20, wallMs: 60_000, stringBytes: 100, codeBytes: 1000 }));
    expect(await tight.classify(lua(loop), input)).toEqual({ severity: 'unknown', reason: 'instruction limit exceeded' });
    expect(await run(loop)).toEqual({ severity: 'ok' });
  });
});

describe('validateLuaClassifier', () => {
  it('accepts code that compiles, without running it', async () => {
    expect(await validateLuaClassifier('while true do end')).toBeUndefined();
    expect(await validateLuaClassifier(PROPHASIS_STYLE)).toBeUndefined();
    expect(await validateLuaClassifier('error("ran")')).toBeUndefined();
  });

  it('names the syntax error', async () => {
    expect(await validateLuaClassifier('if x then return "ok"')).toBe("classifier:1: 'end' expected near <eof>");
    expect(await validateLuaClassifier('\x1bLua')).toBe("attempt to load a binary chunk (mode is 't')");
  });
});
