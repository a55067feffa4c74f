import { ALL } from '../../roles';
import type { RouteDef } from '../../routes';

export const route: RouteDef = { path: '/explore', title: 'Explore', group: 'Data', order: 20, roles: ALL, load: () => import('./Explore') };
