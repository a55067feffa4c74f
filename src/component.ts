/**
 * A long-running part of a process (the REST listener, the AMQP consumer, maintenance, the rule
 * evaluator...). `main.ts` starts the components bound under TYPES.Component that its role runs, in
 * binding order, and stops them in reverse order: a new engine is one class and one binding.
 */
export interface Component {
  readonly name: string;
  /** 'serve': `mymonit serve` and `all`; 'consume': `consume` and `all` (ingest and the engines); 'every': all roles. */
  readonly runsIn: 'serve' | 'consume' | 'every';
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ProcessRole = 'serve' | 'consume' | 'all';

export function runsIn(component: Component, role: ProcessRole): boolean {
  return component.runsIn === 'every' || role === 'all' || component.runsIn === role;
}
