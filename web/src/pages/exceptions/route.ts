import { ADMIN } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef[] = [
  { path: '/exceptions', title: 'Rejected messages', group: 'Operations', order: 40, roles: ADMIN, load: () => import('./Exceptions') },
  { path: '/exceptions/:id', title: 'Rejected message', group: 'Operations', roles: ADMIN, nav: false, load: () => import('./ExceptionDetail') },
];
