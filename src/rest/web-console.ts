import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Config } from '../config';
import { problem } from './problem';

/** GET /ui-config: how the web console signs in. Public values only: no key, secret or JWKS. */
export interface UiConfig {
  mode: Config['auth']['mode'];
  oidc?: { issuer: string; client_id: string; scope: string };
  firebase?: { apiKey: string; authDomain: string; projectId: string };
}

export function uiConfigOf(config: Config): UiConfig {
  const { mode, oidc, firebase } = config.auth;
  if (mode === 'oidc' && oidc.issuer && oidc.clientId) {
    return { mode, oidc: { issuer: oidc.issuer, client_id: oidc.clientId, scope: oidc.scope } };
  }
  if (mode === 'firebase' && firebase.apiKey && firebase.projectId && firebase.authDomain) {
    return { mode, firebase: { apiKey: firebase.apiKey, authDomain: firebase.authDomain, projectId: firebase.projectId } };
  }
  return { mode };
}

const FIREBASE_ORIGINS = ['https://identitytoolkit.googleapis.com', 'https://securetoken.googleapis.com'];

/**
 * The console's Content-Security-Policy: nothing inline, nothing from elsewhere, except the identity
 * provider the browser itself must call (the OIDC issuer's discovery and token endpoints; Firebase Auth).
 */
export function contentSecurityPolicy(config: Config): string {
  const connect = ["'self'"];
  const frames: string[] = [];
  const ui = uiConfigOf(config);
  if (ui.oidc) connect.push(new URL(ui.oidc.issuer).origin);
  if (ui.firebase) {
    connect.push(...FIREBASE_ORIGINS);
    frames.push(`https://${ui.firebase.authDomain}`);
    if (config.auth.firebase.emulatorHost) connect.push(`http://${config.auth.firebase.emulatorHost}`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `frame-src ${frames.length ? frames.join(' ') : "'none'"}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web console (WEB_DIR, `npm run build`) at /ui/ without authentication (the app signs
 * in, then calls the API with a bearer token), and GET /ui-config. Hashed files under /ui/assets/ are
 * cached for a year; index.html is revalidated every time; any other /ui/ path is the app's own route and
 * gets index.html. Without a build, /ui/ answers 503 saying how to build it.
 */
export function webConsole(config: Config): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const root = config.rest.webDir;
  const index = path.join(root, 'index.html');
  const csp = contentSecurityPolicy(config);
  const body = JSON.stringify(uiConfigOf(config));

  router.get('/ui-config', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(body);
  });
  // openapi.yaml: a path it lists, called with a method it does not, is a 405 with Allow.
  router.all('/ui-config', (_req, res) => {
    res.setHeader('Allow', 'GET, HEAD');
    res.status(405).type('application/problem+json').send(JSON.stringify({ ...problem(405, 'GET /ui-config only'), requestId: res.locals.requestId }));
  });
  router.get('/ui', (_req, res) => res.redirect(301, '/ui/'));
  router.use('/ui', (req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).type('application/problem+json').send(JSON.stringify({ ...problem(405, 'the web console is read with GET'), requestId: res.locals.requestId }));
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('application/problem+json')
        .send(JSON.stringify({ ...problem(503, 'the web console is not built: run npm run build', 'web-console-not-built'), requestId: res.locals.requestId }));
      return;
    }
    next();
  });
  router.use(
    '/ui',
    express.static(root, {
      index: false,
      redirect: false,
      fallthrough: true,
      dotfiles: 'ignore',
      setHeaders: (res, file) => {
        const hashed = path.relative(root, file).startsWith(`assets${path.sep}`);
        res.setHeader('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
      },
    }),
  );
  router.use('/ui', (req, res) => {
    // A missing hashed file is a 404 (an old page asking for a chunk a newer build replaced), not the app.
    if (req.path.startsWith('/assets/')) {
      res.status(404).type('application/problem+json').send(JSON.stringify({ ...problem(404, `no file ${req.originalUrl.split('?')[0]}`), requestId: res.locals.requestId }));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
