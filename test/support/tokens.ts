import type { TokenVerifier } from '../../src/auth/token-verifier';
import { UnauthenticatedError } from '../../src/domain/errors';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Hand-built `alg: none` JWT: base64url header and payload, empty signature. */
export function unsignedToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'none', typ: 'JWT' },
): string {
  const part = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

/** The verifier refuses the token with exactly `message`, which never echoes the token or a claim value. */
export async function expectRefused(verifier: TokenVerifier, token: string, message: string): Promise<void> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  expect((error as Error).message).toBe(message);
  expect((error as Error).message).not.toMatch(/alice|eyJ/);
}
