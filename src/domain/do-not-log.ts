const MARKED = Symbol.for('mymonit.doNotLog');

type Marked = { [MARKED]?: Set<string> };

/**
 * @doNotLog marks a model field as personal or secret: serialised for a log it becomes `***`.
 * The marks live on the class prototype, so every instance shares them at no per-object cost.
 */
export function doNotLog(target: object, property: string): void {
  const proto = target as Marked;
  const inherited = proto[MARKED];
  const own = new Set(inherited ?? []);
  own.add(property);
  Object.defineProperty(proto, MARKED, { value: own, enumerable: false, configurable: true });
}

export function doNotLogFields(value: object): ReadonlySet<string> {
  return (value as Marked)[MARKED] ?? new Set();
}
