import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = {
  path: '/',
  title: 'Overview',
  group: 'Monitoring',
  order: 0,
  roles: ALL,
  load: () => import('./Overview'),
};
