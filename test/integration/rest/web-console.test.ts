import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, startPlatform, type TestPlatform } from '../../support/platform';
import { contentSecurityPolicy } from '../../../src/rest/web-console';
import { testConfig } from '../../support/real-services';

/**
 * /ui/ serves the built web console (here a stand-in build in a temporary WEB_DIR): public, with the strict
 * CSP, hashed assets cached for a year, index.html revalidated, the app's routes answered with index.html.
 */
describe('the web console at /ui/', () => {
  let platform: TestPlatform;
  let missing: TestPlatform;
  let dir: string;
  const INDEX = '<!doctype html><title>MyMONIT</title><script type="module" src="/ui/assets/index-abc123.js"></script>';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mymonit-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    platform = await startPlatform({ env: { WEB_DIR: dir } });
    missing = await startPlatform({ env: { WEB_DIR: path.join(dir, 'absent') } });
  });
  afterAll(async () => {
    await platform?.stop();
    await missing?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html without a token, revalidated, with the strict CSP', async () => {
    const response = await call(platform.baseUrl, 'GET', '/ui/');
    expect(response.status).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('caches hashed assets for a year', async () => {
    const response = await call(platform.baseUrl, 'GET', '/ui/assets/index-abc123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });

  it("answers the app's own routes with index.html and a missing asset with a 404 problem", async () => {
    const route = await call(platform.baseUrl, 'GET', '/ui/experiments/EXP1');
    expect(route.status).toBe(200);
    expect(route.body).toBe(INDEX);
    const asset = await call(platform.baseUrl, 'GET', '/ui/assets/gone-999.js');
    expect(asset.status).toBe(404);
    expect(asset.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('redirects /ui to /ui/ and refuses other methods with 405', async () => {
    const redirect = await fetch(`${platform.baseUrl}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/ui/');
    const post = await call(platform.baseUrl, 'POST', '/ui/', { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 saying how to build when the build is missing', async () => {
    const response = await call(missing.baseUrl, 'GET', '/ui/overview');
    expect(response.status).toBe(503);
    expect(response.body.detail).toContain('npm run build');
    expect(response.body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('GET /ui-config names the sign-in mode without a token, and the API still needs one', async () => {
    const config = await call(platform.baseUrl, 'GET', '/ui-config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({ mode: 'local' });
    expect((await call(platform.baseUrl, 'GET', '/me')).status).toBe(401);
    const post = await call(platform.baseUrl, 'POST', '/ui-config', { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('lets the browser reach the identity provider in oidc and firebase modes only', () => {
    const oidc = testConfig({
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'https://id.example.org/realms/x',
      OIDC_JWKS_URL: 'https://id.example.org/realms/x/certs',
      OIDC_AUDIENCE: 'mymonit-console',
    });
    expect(contentSecurityPolicy(oidc)).toContain("connect-src 'self' https://id.example.org;");
    const firebase = testConfig({ AUTH_MODE: 'firebase', FIREBASE_PROJECT_ID: 'proj', FIREBASE_API_KEY: 'AIza-public' });
    expect(contentSecurityPolicy(firebase)).toContain('https://identitytoolkit.googleapis.com');
    expect(contentSecurityPolicy(firebase)).toContain('frame-src https://proj.firebaseapp.com');
    expect(contentSecurityPolicy(testConfig())).toContain("frame-src 'none'");
  });
});
