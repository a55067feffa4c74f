export const ROLES = ['ADMIN', 'SCIENTIST'] as const;
export type Role = (typeof ROLES)[number];
