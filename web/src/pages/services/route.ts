import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/services', title: 'Services', group: 'Monitoring', order: 20, roles: ALL, load: () => import('./Services') };
