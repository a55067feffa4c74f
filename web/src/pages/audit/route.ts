import { ADMIN } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/audit', title: 'Audit trail', group: 'Administration', order: 50, roles: ADMIN, load: () => import('./Audit') };
