import type { Role } from './api/types';

/** Who may open a page (RouteDef.roles). Its own module: pages' route.ts files import it, and routes.ts imports them. */
export const ALL: readonly Role[] = ['ADMIN', 'SCIENTIST'];
export const ADMIN: readonly Role[] = ['ADMIN'];
