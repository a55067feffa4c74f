import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/hosts', title: 'Hosts and checks', group: 'Monitoring', order: 21, roles: ALL, load: () => import('./Hosts') };
