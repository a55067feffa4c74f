/**
 * `npm run test:unit`: the fast loop. Unit tests only (services over in-memory stores, parsers, mappers...),
 * without the global setup that finds or starts MariaDB and RabbitMQ: none is needed.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
