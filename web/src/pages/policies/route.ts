import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

// /policies/edit comes before /policies/:id (the router takes the first match; routes sort by order).
export const route: RouteDef[] = [
  { path: '/policies', title: 'Policies', group: 'Monitoring', order: 40, roles: ALL, load: () => import('./Policies') },
  { path: '/policies/edit', title: 'Edit policy', group: 'Monitoring', order: 41, roles: ALL, nav: false, load: () => import('./PolicyEditor') },
  { path: '/policies/:id', title: 'Policy', group: 'Monitoring', order: 42, roles: ALL, nav: false, load: () => import('./PolicyDetail') },
];
