import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A server certificate signed by the test CA, on disk (for nginx) and in memory (for node servers). */
export interface IssuedCertificate {
  readonly keyPath: string;
  readonly certPath: string;
  readonly key: string;
  readonly cert: string;
  readonly notAfterMs: number;
}

/** A throw-away CA and the certificates it signed; remove() deletes the files. */
export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caPath: string;
  readonly caCommonName: string;
  issue(name: string, validity: { notBeforeMs: number; notAfterMs: number }): IssuedCertificate;
  remove(): void;
}

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ server ]
basicConstraints = CA:FALSE
subjectAltName = IP:127.0.0.1,DNS:localhost
`;

/** openssl ca's date form, to the second: 20261203190107Z. */
function opensslDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A CA made with openssl, issuing certificates for localhost and 127.0.0.1 with any validity period, past
 * ones included (`openssl ca -startdate -enddate`: `req -x509` here, OpenSSL 3.0, takes no dates and no
 * negative -days).
 */
export function createTestPki(caCommonName = 'MyMONIT test CA'): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-pki-'));
  // nginx workers may run as another user: they read the keys through these paths.
  fs.chmodSync(dir, 0o755);
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  fs.mkdirSync(path.join(dir, 'issued'));
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-days', '3650', '-subj', `/CN=${caCommonName}`, '-keyout', 'ca.key', '-out', 'ca.pem']);
  const caPath = path.join(dir, 'ca.pem');
  return {
    dir,
    caCert: fs.readFileSync(caPath, 'utf8'),
    caPath,
    caCommonName,
    issue(name, { notBeforeMs, notAfterMs }) {
      openssl(['req', ...ec, '-subj', '/CN=localhost', '-keyout', `${name}.key`, '-out', `${name}.csr`]);
      openssl([
        'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`,
        '-startdate', opensslDate(notBeforeMs), '-enddate', opensslDate(notAfterMs), '-extensions', 'server', '-notext',
      ]);
      const keyPath = path.join(dir, `${name}.key`);
      const certPath = path.join(dir, `${name}.pem`);
      fs.chmodSync(keyPath, 0o644);
      return {
        keyPath,
        certPath,
        key: fs.readFileSync(keyPath, 'utf8'),
        cert: fs.readFileSync(certPath, 'utf8'),
        notAfterMs: Math.floor(notAfterMs / 1000) * 1000,
      };
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
