import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef[] = [
  { path: '/rules', title: 'Rules', group: 'Monitoring', order: 30, roles: ALL, load: () => import('./Rules') },
  { path: '/rules/edit', title: 'Rule group', group: 'Monitoring', roles: ALL, nav: false, load: () => import('./RuleGroupEditor') },
];
