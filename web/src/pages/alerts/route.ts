import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/alerts', title: 'Alerts', group: 'Monitoring', order: 10, roles: ALL, load: () => import('./Alerts') };
