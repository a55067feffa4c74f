import type { ComponentType } from 'preact';
import type { Role } from './api/types';

/**
 * The console's pages. Each page folder registers itself: web/src/pages/<name>/route.ts exports `route`
 * (one RouteDef or an array of them), found here by import.meta.glob, so page authors never edit a shared
 * file. The page component itself stays lazy: `load: () => import('./Alerts')` makes it its own chunk.
 * `path` is relative to /ui/ and may hold preact-iso parameters (`/experiments/:code`); `nav: false` makes
 * a routable page that the nav does not list (detail pages). `roles` lists who may open it: the nav hides
 * the rest, and the page shows "not allowed" when opened by URL (the API refuses anyway). The nav lists
 * pages by GROUPS, then `order` (smaller first), then title. A route.ts imports only types from here
 * (`import type { RouteDef }`) and the roles from roles.ts: routes.ts imports every route.ts first.
 */
export interface RouteDef {
  path: string;
  title: string;
  group: 'Monitoring' | 'Data' | 'Operations' | 'Administration';
  roles: readonly Role[];
  load: () => Promise<{ default: ComponentType<PageProps> }>;
  nav?: boolean;
  /** Position within its nav group (default 100). */
  order?: number;
}

/** What preact-iso gives a page: the path's parameters (`:code`) and the query string. */
export interface PageProps {
  params?: Record<string, string>;
  query?: Record<string, string>;
}

export const GROUPS: readonly RouteDef['group'][] = ['Monitoring', 'Data', 'Operations', 'Administration'];

const modules = import.meta.glob<{ route: RouteDef | readonly RouteDef[] }>('./pages/*/route.ts', { eager: true });

export const routes: readonly RouteDef[] = Object.values(modules)
  .flatMap((module) => (Array.isArray(module.route) ? (module.route as readonly RouteDef[]) : [module.route as RouteDef]))
  .sort(
    (a, b) =>
      GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) || (a.order ?? 100) - (b.order ?? 100) || a.title.localeCompare(b.title),
  );

/** The base every route lives under (vite.config.ts `base`). */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

/** The href of a route path: href('/alerts') === '/ui/alerts'. */
export function href(path: string): string {
  return `${BASE}${path === '/' ? '/' : path}`;
}

export function allowed(route: RouteDef, role: Role | undefined): boolean {
  return role !== undefined && route.roles.includes(role);
}
