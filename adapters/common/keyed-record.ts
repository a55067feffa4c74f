import { z } from 'zod';

/**
 * A mapping whose keys the user chooses (labels, tags, headers, metric names), as a null-prototype object.
 * zod's own `record` assigns keys to a plain object, so a key `__proto__` vanished (it set the prototype)
 * and `constructor` looked present before it was set; here every key is data. Errors name the key.
 */
export function keyedRecord<V extends z.ZodType>(value: V, key: z.ZodType<string> = z.string()) {
  return z.unknown().transform((input, ctx) => {
    const out = Object.create(null) as Record<string, z.output<V>>;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: 'expected a mapping of names to values' });
      return z.NEVER;
    }
    for (const [name, raw] of Object.entries(input)) {
      const checkedKey = key.safeParse(name);
      if (!checkedKey.success) {
        ctx.addIssue({ code: 'custom', message: `key ${JSON.stringify(name)}: ${checkedKey.error.issues[0]?.message ?? 'invalid'}`, path: [name] });
        continue;
      }
      const checked = value.safeParse(raw);
      if (!checked.success) {
        for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [name, ...issue.path] });
        continue;
      }
      out[name] = checked.data as z.output<V>;
    }
    return out;
  });
}

/** An empty null-prototype record, the default of an optional keyedRecord. */
export const emptyRecord = <V>(): Record<string, V> => Object.create(null) as Record<string, V>;
