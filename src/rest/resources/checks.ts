import { Router } from 'express';
import { classifierJson } from '../../alerting/rules/classifier-codec';
import type { Check } from '../../checks/model';
import { checkParamsToJson } from '../../checks/params';
import type { ChecksModelService } from '../../services/checks/checks-model-service';
import type { Owned } from '../../storage/checks-stores';
import { modelRoutes } from './model-routes';

export function checkJson(check: Owned<Check>): Record<string, unknown> {
  return {
    id: check.id,
    experiment: check.experiment,
    name: check.name,
    kind: check.kind,
    params: checkParamsToJson(check.params),
    plugin: check.plugin ?? null,
    timeout_ms: check.timeoutMs,
    classifier: check.classifier ? classifierJson(check.classifier) : null,
    hosts: check.hostIds,
    host_groups: check.hostGroupIds,
    version: check.version,
  };
}

/** /checks: what runs, with which parameters, where, and how its results are classified. */
export function checksResource(model: ChecksModelService): Router {
  return modelRoutes(Router(), 'checks', 'checkId', model.checks, checkJson);
}
