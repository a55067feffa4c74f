import { Router } from 'express';
import type { NewUser, UserChanges } from '../../domain/user';
import type { UserService } from '../../services/user-service';
import { integerParameter } from '../integer-parameters';
import { userJson } from '../representations';
import { queryString } from './query';

interface UserBody {
  user_id?: string;
  name?: string;
  username?: string;
  email?: string;
  role?: NewUser['role'];
}

function userChanges(body: UserBody): UserChanges {
  const changes: UserChanges = {};
  if (body.user_id !== undefined) changes.userId = body.user_id;
  if (body.name !== undefined) changes.name = body.name;
  if (body.username !== undefined) changes.username = body.username;
  if (body.email !== undefined) changes.email = body.email;
  if (body.role !== undefined) changes.role = body.role;
  return changes;
}

/** /users and /me: people who may call the API. */
export function usersResource(users: UserService): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json(userJson(res.locals.actor));
  });
  router.post('/users', async (req, res) => {
    const created = await users.create(res.locals.actor, userChanges(req.body as UserBody) as NewUser);
    res.status(201).location(`/users/${created.id}`).json(userJson(created));
  });
  router.get('/users', async (req, res) => {
    const page = await users.list(res.locals.actor, integerParameter(res, 'limit'), queryString(req, 'cursor'));
    res.json({ items: page.items.map(userJson), next: page.next });
  });
  router.get('/users/:userId', async (_req, res) => {
    res.json(userJson(await users.get(res.locals.actor, integerParameter(res, 'userId'))));
  });
  router.patch('/users/:userId', async (req, res) => {
    const updated = await users.update(res.locals.actor, integerParameter(res, 'userId'), userChanges(req.body as UserBody));
    res.json(userJson(updated));
  });
  router.delete('/users/:userId', async (_req, res) => {
    await users.erase(res.locals.actor, integerParameter(res, 'userId'));
    res.status(204).end();
  });
  return router;
}
