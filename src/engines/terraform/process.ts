import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GreenlightError } from '../../domain/errors.ts';

export interface TerraformRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs one terraform command. stdout is handed over line by line (the `-json` UI stream) and also
 * kept; an abort sends SIGINT first, which Terraform treats as a graceful stop that still
 * writes state, and SIGKILL only if it has not stopped 10 s later.
 */
export function runTerraform(
  binary: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; signal?: AbortSignal; onLine?: (line: string) => void; onSpawn?: (pid: number) => void },
): Promise<TerraformRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Its own process group: a signal to Greenlight's group does not cut it off mid-write, an abort
    // reaches it and its provisioners together, and after a crash it can be found and stopped.
    const child = spawn(binary, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    const out: string[] = [];
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      out.push(line);
      options.onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      signalGroup('SIGINT');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        reject(
          new GreenlightError('engine_not_found', `The Terraform binary "${binary}" was not found on PATH.`, {
            cause: error,
          }),
        );
      } else {
        reject(new GreenlightError('engine_failed', `Could not run ${binary}: ${error.message}`, { cause: error }));
      }
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        exitCode: code ?? (signal ? 130 : 1),
        stdout: out.join('\n'),
        stderr,
        ms: performance.now() - started,
      });
    });
  });
}
