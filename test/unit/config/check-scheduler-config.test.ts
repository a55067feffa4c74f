import { ConfigError, loadConfig } from '../../../src/config';
import type { Component } from '../../../src/component';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import { MemoryLogger } from '../../support/amqp-fakes';

describe('check scheduler settings', () => {
  it('default to a 250 ms poll, a 1.5 s lease, 64 jobs at once, 10 superseded slots recorded', () => {
    expect(loadConfig({}).checkScheduler).toEqual({ pollMs: 250, leaseMs: 1500, concurrency: 64, maxMissedSlots: 10 });
  });

  it('read the variables', () => {
    const config = loadConfig({ CHECK_SCHEDULER_POLL_MS: '100', CHECK_SCHEDULER_LEASE_MS: '900', CHECK_SCHEDULER_CONCURRENCY: '8', CHECK_SCHEDULER_MAX_MISSED_SLOTS: '0' });
    expect(config.checkScheduler).toEqual({ pollMs: 100, leaseMs: 900, concurrency: 8, maxMissedSlots: 0 });
  });

  it('name a bad value, and a lease not longer than the poll', () => {
    expect(() => loadConfig({ CHECK_SCHEDULER_CONCURRENCY: '0' })).toThrow(/^CHECK_SCHEDULER_CONCURRENCY: /);
    expect(() => loadConfig({ CHECK_SCHEDULER_POLL_MS: '1.5' })).toThrow(/^CHECK_SCHEDULER_POLL_MS: /);
    expect(() => loadConfig({ CHECK_SCHEDULER_LEASE_MS: 'Infinity' })).toThrow(/^CHECK_SCHEDULER_LEASE_MS: /);
    expect(() => loadConfig({ CHECK_SCHEDULER_MAX_MISSED_SLOTS: '-1' })).toThrow(/^CHECK_SCHEDULER_MAX_MISSED_SLOTS: /);
    expect(() => loadConfig({ CHECK_SCHEDULER_POLL_MS: '1000', CHECK_SCHEDULER_LEASE_MS: '1000' })).toThrow(ConfigError);
    expect(() => loadConfig({ CHECK_SCHEDULER_POLL_MS: '1000', CHECK_SCHEDULER_LEASE_MS: '1000' })).toThrow(/^CHECK_SCHEDULER_LEASE_MS: must exceed/);
  });

  it('the scheduler is a `consume` component of the container, and the SlotFence is its store', () => {
    const container = buildContainer(loadConfig({ AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789' }), new MemoryLogger());
    const scheduler = container.getAll<Component>(TYPES.Component).find((c) => c.name === 'check-scheduler');
    expect(scheduler?.runsIn).toBe('consume');
    expect(scheduler).toBe(container.get(TYPES.CheckScheduler));
    expect(container.get(TYPES.SlotFence)).toBe(container.get(TYPES.ScheduleStore));
  });
});
