import type { ComponentType } from 'preact';
import type { Role } from './api/types';

/**
 * The console's pages, in nav order. To add one: create web/src/pages/<name>/<Name>.tsx exporting a
 * default component and add an entry here (the import() makes it a lazy chunk). `path` is relative to
 * /ui/ and may hold preact-iso parameters (`/experiments/:code`); entries with `nav: false` are routable
 * but not listed (detail pages). `roles` lists who may open it: the nav hides the rest, and the page shows
 * "not allowed" when opened by URL (the API refuses anyway).
 */
export interface RouteDef {
  path: string;
  title: string;
  group: 'Monitoring' | 'Data' | 'Operations' | 'Administration';
  roles: readonly Role[];
  load: () => Promise<{ default: ComponentType<PageProps> }>;
  nav?: boolean;
}

/** What preact-iso gives a page: the path's parameters (`:code`) and the query string. */
export interface PageProps {
  params?: Record<string, string>;
  query?: Record<string, string>;
}

const ALL: readonly Role[] = ['ADMIN', 'SCIENTIST'];
const ADMIN: readonly Role[] = ['ADMIN'];
export { ADMIN, ALL };

export const routes: readonly RouteDef[] = [
  { path: '/', title: 'Overview', group: 'Monitoring', roles: ALL, load: () => import('./pages/overview/Overview') },
  // Page helpers add their pages below (one line each), e.g.:
  // { path: '/alerts', title: 'Alerts', group: 'Monitoring', roles: ALL, load: () => import('./pages/alerts/Alerts') },
];

export const GROUPS: readonly RouteDef['group'][] = ['Monitoring', 'Data', 'Operations', 'Administration'];

/** The base every route lives under (vite.config.ts `base`). */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

/** The href of a route path: href('/alerts') === '/ui/alerts'. */
export function href(path: string): string {
  return `${BASE}${path === '/' ? '/' : path}`;
}

export function allowed(route: RouteDef, role: Role | undefined): boolean {
  return role !== undefined && route.roles.includes(role);
}
