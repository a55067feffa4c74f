import type { RequestHandler } from 'express';
import type { TokenVerifier } from '../auth/token-verifier';
import { UnauthenticatedError } from '../domain/errors';
import type { User } from '../domain/user';
import { setContextActor } from '../logging/log-context';
import type { UserService } from '../services/contracts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestId: string;
      actor: User;
    }
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Verifies the bearer token of every request that reaches it and maps the identity to an active MyMONIT
 * user, who becomes `res.locals.actor`. Every failure is a 401 (no hint of which users exist).
 */
export function authentication(verifier: TokenVerifier, users: UserService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) throw new UnauthenticatedError('a bearer token is required');
    const match = BEARER.exec(header.trim());
    if (!match) throw new UnauthenticatedError('the Authorization header is not a bearer token');
    const identity = await verifier.verify(match[1]);
    const user = await users.authenticate(identity.username);
    if (!user) throw new UnauthenticatedError('the token does not belong to a MyMONIT user');
    res.locals.actor = user;
    setContextActor(user.pseudonym);
    next();
  };
}
