import fs from 'node:fs';
import path from 'node:path';

/** Who plugins run as: `uid`/`gid` when the agent is root (spawned as that user), else the agent itself. */
export interface PluginIdentity {
  readonly uid?: number;
  readonly gid?: number;
  readonly description: string;
}

/** The uid and gid of `user` from /etc/passwd (Node has no getpwnam). */
function passwdEntry(user: string): { uid: number; gid: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === user && uid !== undefined && gid !== undefined && /^\d+$/.test(uid) && /^\d+$/.test(gid)) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

export function pluginIdentity(runAs: string): PluginIdentity {
  const uid = process.getuid?.();
  if (uid !== 0) {
    return { description: `the agent is not root (uid ${uid ?? 'unknown'}): plugins run as the agent's own user` };
  }
  const entry = passwdEntry(runAs);
  if (!entry) throw new Error(`agent.runAs: no user ${runAs} in /etc/passwd; the agent runs as root and will not run plugins as root`);
  if (entry.uid === 0) throw new Error(`agent.runAs: ${runAs} is root; plugins must run unprivileged`);
  return { uid: entry.uid, gid: entry.gid, description: `the agent is root: plugins run as ${runAs} (uid ${entry.uid}, gid ${entry.gid})` };
}

/**
 * When plugins run as another user, every directory above the plugin directory must let others through
 * (x), or that user cannot reach its entry point: said at start rather than at each run.
 */
export function unreachableAncestor(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) return current;
    if (path.dirname(current) === current) return undefined;
  }
}
