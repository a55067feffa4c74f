#!/usr/bin/env node
// Container health probe for the MyMONIT image (Dockerfile HEALTHCHECK, compose, Kubernetes exec probes).
// Plain Node, no dependencies, reads only the environment the app itself reads:
//   node scripts/healthcheck.js          REST instance: GET /health/live on 127.0.0.1:$REST_PORT answers 200
//   node scripts/healthcheck.js ready    REST instance: GET /health/ready answers 200 (MySQL and RabbitMQ up)
//   node scripts/healthcheck.js amqp     consumer (`mymonit consume` serves no HTTP): this container holds an
//                                        established TCP connection to the broker's port (from RABBIT_URL)
// Exit 0 when healthy, 1 otherwise, with one line saying why.
'use strict';
const fs = require('node:fs');
const http = require('node:http');

const mode = process.argv[2] || 'live';
if (mode === '--help' || mode === '-h') {
  process.stdout.write(`Usage: node scripts/healthcheck.js [live|ready|amqp]

Container health probe: live (default) and ready ask /health/live or /health/ready on
127.0.0.1:$REST_PORT (8080); amqp checks for an established connection to the broker port of
$RABBIT_URL. Exit 0 when healthy, 1 otherwise, with one line saying why.
`);
  process.exit(0);
}
const fail = (why) => {
  console.error(`unhealthy: ${why}`);
  process.exit(1);
};

function brokerPort(raw) {
  const value = raw || 'localhost';
  if (/^amqps?:\/\//.test(value)) {
    const url = new URL(value);
    return Number(url.port || (url.protocol === 'amqps:' ? 5671 : 5672));
  }
  const port = value.includes(':') ? value.slice(value.lastIndexOf(':') + 1) : '5672';
  return Number(port);
}

/** True when /proc/net/tcp{,6} (this network namespace: the container) lists an ESTABLISHED connection to port. */
function connectedTo(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 3 && fields[2].endsWith(`:${hex}`) && fields[3] === '01') return true;
    }
  }
  return false;
}

if (mode === 'amqp') {
  const port = brokerPort(process.env.RABBIT_URL);
  if (!connectedTo(port)) fail(`no established connection to the broker port ${port}`);
  process.exit(0);
}

if (mode !== 'live' && mode !== 'ready') fail(`unknown mode "${mode}" (live, ready or amqp)`);
const port = Number(process.env.REST_PORT || 8080);
const req = http.get({ host: '127.0.0.1', port, path: `/health/${mode}`, timeout: 2500 }, (res) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  fail(`/health/${mode} answered ${res.statusCode}`);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (error) => fail(`/health/${mode}: ${error.message}`));
