import { Router } from 'express';
import type { Schedule } from '../../checks/model';
import type { ChecksModelService } from '../../services/checks/checks-model-service';
import type { Owned } from '../../storage/checks-stores';
import { modelRoutes } from './model-routes';

export function scheduleJson(schedule: Owned<Schedule>): Record<string, unknown> {
  return {
    id: schedule.id,
    experiment: schedule.experiment,
    name: schedule.name,
    max_lateness_ms: schedule.maxLatenessMs,
    // Starts were read from RFC 3339 of years 0000-9999: a Date holds each exactly.
    intervals: schedule.intervals.map((i) => ({ id: i.id, start: new Date(i.startMs).toISOString(), period_ms: i.periodMs })),
    checks: schedule.checkIds,
    version: schedule.version,
  };
}

/** /schedules: when checks run (intervals of a start and a period) and how late a slot may start. */
export function schedulesResource(model: ChecksModelService): Router {
  return modelRoutes(Router(), 'schedules', 'scheduleId', model.schedules, scheduleJson);
}
