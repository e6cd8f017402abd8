/** Polls until `fn` returns something truthy (a recorded call, a status), or fails naming what it waited for (45 s: room for a slow CI machine, not a speed target). */
export async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 45_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
