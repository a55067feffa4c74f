import { ForbiddenError, NotFoundError } from '../../../src/domain/errors';
import type { Experiment } from '../../../src/domain/experiment';
import type { User } from '../../../src/domain/user';
import {
  ExperimentVisibility,
  requireAdmin,
  requiredAssociation,
  requireSelfOrAdmin,
} from '../../../src/services/authorization';
import type { ExperimentStore } from '../../../src/storage/stores';

function user(id: number, isAdmin: boolean): User {
  return { id, isAdmin } as User;
}

const admin = user(1, true);
const scientist = user(2, false);

describe('authorization rules (src/services/authorization.ts)', () => {
  it('lets only an ADMIN past an ADMIN-only action, naming the action in the refusal', () => {
    expect(() => requireAdmin(admin, 'erase users')).not.toThrow();
    expect(() => requireAdmin(scientist, 'erase users')).toThrow(new ForbiddenError('only an ADMIN may erase users'));
  });

  it('shows a user record to an ADMIN and to its own user; to others it does not exist', () => {
    expect(() => requireSelfOrAdmin(admin, 7)).not.toThrow();
    expect(() => requireSelfOrAdmin(scientist, 2)).not.toThrow();
    expect(() => requireSelfOrAdmin(scientist, 7)).toThrow(NotFoundError);
  });

  it('requires no association of an ADMIN, and the actor itself of a SCIENTIST', () => {
    expect(requiredAssociation(admin)).toBeUndefined();
    expect(requiredAssociation(scientist)).toBe(2);
  });

  it('answers not found alike for a missing experiment and one not associated with a SCIENTIST', async () => {
    const experiment = { id: 10, code: 'EXP-1' } as Experiment;
    const store = {
      findByCode: async (code: string) => (code === 'EXP-1' ? experiment : undefined),
      isAssociated: async (experimentId: number, userId: number) => experimentId === 10 && userId === 3,
    } as unknown as ExperimentStore;
    const visibility = new ExperimentVisibility(store);
    await expect(visibility.visible(admin, 'EXP-1')).resolves.toBe(experiment);
    await expect(visibility.visible(user(3, false), 'EXP-1')).resolves.toBe(experiment);
    const hidden = await visibility.visible(scientist, 'EXP-1').catch((error: unknown) => error);
    const missing = await visibility.visible(admin, 'EXP-2').catch((error: unknown) => error);
    expect(hidden).toEqual(new NotFoundError('experiment EXP-1 not found'));
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});
