import type { LabelSet } from '../alert';
import type { Route } from '../config/model';
import type { TimeInterval } from '../timeinterval/time-interval';
import { anyActiveAt } from '../timeinterval/active';
import { groupKey, groupLabels, matchRoutes } from './route';

/** What the dispatcher needs of routing and time intervals, in one place (route.ts, timeinterval/active.ts). */
export interface Routing {
  matchRoutes(route: Route, labels: LabelSet): Route[];
  groupLabels(route: Route, labels: LabelSet): LabelSet;
  groupKey(route: Route, groupLabels: LabelSet): string;
  intervalsContain(intervals: readonly TimeInterval[], atMs: number): boolean;
}

export const ROUTING: Routing = { matchRoutes, groupLabels, groupKey, intervalsContain: anyActiveAt };
