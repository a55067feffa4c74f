import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef[] = [
  { path: '/experiments', title: 'Experiments', group: 'Data', order: 10, roles: ALL, load: () => import('./Experiments') },
  { path: '/experiments/:code', title: 'Experiment', group: 'Data', roles: ALL, nav: false, load: () => import('./Experiment') },
];
