import type { RequestHandler } from 'express';
import { tokenBelongsTo } from '../auth/token-binding';
import type { TokenVerifier } from '../auth/token-verifier';
import { UnauthenticatedError } from '../domain/errors';
import type { User } from '../domain/user';
import { setContextActor } from '../logging/log-context';
import type { UserService } from '../services/user-service';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      requestId: string;
      actor: User;
    }
  }
}

/** RFC 9110 §11.1: the scheme is case-insensitive; one or more spaces precede the token68. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The RFC 6750 §3 challenge of a 401: error="invalid_token" only when a bearer token was presented (a
 * request without one gets the bare challenge). The description is our own refusal text, never a claim.
 */
export function bearerChallenge(tokenPresented: boolean, description: string): string {
  if (!tokenPresented) return 'Bearer realm="mymonit"';
  return `Bearer realm="mymonit", error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}"`;
}

/**
 * Verifies the bearer token of every request that reaches it and maps the identity to an active MyMONIT
 * user, who becomes `res.locals.actor`. Every failure is a 401 with a WWW-Authenticate challenge, and
 * says nothing of which users exist.
 */
export function authentication(verifier: TokenVerifier, users: UserService, clockSkewSeconds: number): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization')?.trim();
    let tokenPresented = false;
    try {
      if (!header) throw new UnauthenticatedError('a bearer token is required');
      const [, token] = BEARER.exec(header) ?? [];
      if (token === undefined) throw new UnauthenticatedError('the Authorization header is not a bearer token');
      tokenPresented = true;
      const identity = await verifier.verify(token);
      const user = await users.authenticate(identity.username);
      if (!user || !tokenBelongsTo(user, identity, clockSkewSeconds)) {
        throw new UnauthenticatedError('the token does not belong to a MyMONIT user');
      }
      res.locals.actor = user;
      setContextActor(user.pseudonym);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        res.setHeader('WWW-Authenticate', bearerChallenge(tokenPresented, error.message));
      }
      throw error;
    }
    next();
  };
}
