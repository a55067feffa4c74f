import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/tickets', title: 'Tickets', group: 'Operations', order: 10, roles: ALL, load: () => import('./Tickets') };
