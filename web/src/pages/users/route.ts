import { ADMIN } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/users', title: 'Users', group: 'Administration', order: 10, roles: ADMIN, load: () => import('./Users') };
