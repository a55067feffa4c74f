import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/silences', title: 'Silences', group: 'Monitoring', order: 11, roles: ALL, load: () => import('./Silences') };
