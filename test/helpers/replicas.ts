import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// Greenlight processes for the multi-replica tests: `greenlight start --role …` on one PostgreSQL,
// each with its own data dir and port, as a deployment with several replicas runs them.

export interface Replica {
  name: string;
  url: string;
  slackUrl: string | undefined;
  pid: number;
  process: ChildProcess;
  /** Recent output (pino JSON lines and the banner), for a failing test to show. */
  output: string[];
  stop(): Promise<void>;
}

export async function startReplica(name: string, env: Record<string, string>, role = 'all'): Promise<Replica> {
  const child = spawn(process.execPath, ['bin/greenlight.js', 'start', '--role', role], {
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let slackUrl: string | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${name} did not start:\n${output.join('\n')}`)), 60_000);
    const onLine = (line: string) => {
      output.push(line);
      if (output.length > 400) output.shift();
      const banner = /Greenlight (?:console|worker: health on): (http:\/\/\S+)/.exec(line);
      const slack = /^Slack events: (\S+)/.exec(line);
      if (slack?.[1]) slackUrl = slack[1];
      if (banner?.[1]) {
        clearTimeout(timer);
        resolve(banner[1]);
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}:\n${output.join('\n')}`)));
  });
  return {
    name,
    url,
    slackUrl,
    pid: child.pid ?? 0,
    process: child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A console API call to one replica. */
export async function callReplica(r: Replica, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${r.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Approves a request's current revision on one replica, as the console's Approve button does. */
export async function approveOn(r: Replica, user: string, requestId: string): Promise<number> {
  const shown = (await callReplica(r, 'GET', `/api/requests/${requestId}`)).body;
  const res = await callReplica(r, 'POST', '/api/actions', {
    user,
    requestId,
    action: 'approve',
    revision: shown.revision,
    planHash: shown.plan.hash,
  });
  return res.status;
}
