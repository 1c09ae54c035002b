// A pool of worker child processes for the chaos test: a fixed number run the real worker runtime while
// pre-loaded spares wait, so a SIGKILLed worker is replaced at once. Tracks which submit-order jobs each
// worker had in flight, so the test can say how many kills landed mid-order.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../helpers/cli.js';

type Phase = 'warming' | 'warm' | 'starting' | 'ready' | 'dead';

interface Child {
  id: number;
  proc: ChildProcess;
  phase: Phase;
  /** Sent "go": counts as one of the running workers. */
  live: boolean;
  killedByUs: boolean;
  wentAt: number;
  inFlight: Map<number, number>;
  log: string;
}

export interface KillRecord {
  child: number;
  phase: Phase;
  inFlight: number[];
}

export interface PoolStats {
  spawned: number;
  kills: number;
  /** Kills of a worker that had at least one submit-order job running. */
  killsMidOrder: number;
  /** Kills of a worker still inside startRuntime (migrations, connections). */
  killsDuringStart: number;
  /** Workers that exited without being killed (e.g. Redis was down while they started). */
  diedOnTheirOwn: number;
  jobsBegun: number;
  /** How the submit-order jobs ended, by result kind ("retry" = threw, BullMQ retries with backoff). */
  ends: Record<string, number>;
  /** Duration of each submit-order job that ended (either way), ms. */
  jobMs: number[];
  /** "go" → "ready" of each started worker, ms: what startRuntime costs on this machine. */
  startupMs: number[];
}

/**
 * Bundle the child's TypeScript once (packages stay external): `node bundle.mjs` loads in under half the
 * time `node --import tsx` takes, which matters when a test starts sixty of them on two cores. The bundle
 * lives in tests/.tmp at depth two so `new URL('../../drizzle', import.meta.url)` still finds migrations.
 */
export async function bundleChild(entry: string): Promise<{ file: string; remove(): void }> {
  const file = join(ROOT, 'tests', '.tmp', `chaos-worker-${randomBytes(4).toString('hex')}.mjs`);
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { file, remove: () => rmSync(file, { force: true }) };
}

export class WorkerPool {
  private readonly children: Child[] = [];
  private nextId = 1;
  private closed = false;
  readonly stats: PoolStats = {
    spawned: 0,
    kills: 0,
    killsMidOrder: 0,
    killsDuringStart: 0,
    diedOnTheirOwn: 0,
    jobsBegun: 0,
    ends: {},
    jobMs: [],
    startupMs: [],
  };

  constructor(
    private readonly o: { script: string; env: Record<string, string>; live: number; spares: number },
  ) {}

  /** Start the running workers and the spares; resolves when the running ones take jobs. */
  async start(timeoutMs = 30_000): Promise<void> {
    for (let i = 0; i < this.o.live; i++) this.go(this.spawn());
    await this.waitReady(this.o.live, timeoutMs);
    // Spares after: six processes loading at once would slow the first ones on two cores.
    this.topUpSpares();
  }

  /** Resolves once `n` running workers are ready (bounded). */
  async waitReady(n: number, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.running().filter((c) => c.phase === 'ready').length < n) {
      if (Date.now() > until) throw new Error(`workers not ready in ${timeoutMs} ms:\n${this.tails()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  running(): Child[] {
    return this.children.filter((c) => c.live && c.phase !== 'dead');
  }

  /** Submit-order jobs the running workers are executing right now. */
  inFlight(): number {
    return this.running().reduce((n, c) => n + c.inFlight.size, 0);
  }

  /**
   * SIGKILL one running worker and replace it. The victim is drawn with `rand` among the ready workers
   * that have an order job in flight, else among the ready ones; with none ready it waits (bounded) for
   * one, so kills land in the order flow rather than in start-up.
   */
  async killOne(rand: () => number, waitReadyMs = 3_000): Promise<KillRecord | null> {
    const until = Date.now() + waitReadyMs;
    while (!this.running().some((c) => c.phase === 'ready') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 25));
    const running = this.running();
    const ready = running.filter((c) => c.phase === 'ready');
    const busy = ready.filter((c) => c.inFlight.size > 0);
    const pool = busy.length ? busy : ready.length ? ready : running;
    const victim = pool[Math.floor(rand() * pool.length)];
    if (!victim) return null;
    const rec: KillRecord = { child: victim.id, phase: victim.phase, inFlight: [...victim.inFlight.keys()] };
    victim.killedByUs = true;
    const gone = new Promise<void>((r) => victim.proc.once('exit', () => r()));
    victim.proc.kill('SIGKILL');
    this.stats.kills++;
    if (rec.inFlight.length) this.stats.killsMidOrder++;
    if (rec.phase !== 'ready') this.stats.killsDuringStart++;
    await gone;
    this.replace();
    return rec;
  }

  /** Kill every child (running and spare) and wait for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    const alive = this.children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    await Promise.all(
      alive.map(
        (c) =>
          new Promise<void>((r) => {
            c.proc.once('exit', () => r());
            c.proc.kill('SIGKILL');
          }),
      ),
    );
  }

  /** The last lines each running worker wrote to stderr: for failure messages. */
  tails(): string {
    return this.children
      .filter((c) => c.log)
      .slice(-6)
      .map((c) => `worker ${c.id} (${c.phase}): ${c.log.slice(-600)}`)
      .join('\n');
  }

  /** Count of lines matching `re` across every worker's stderr (workers log warnings and notifications). */
  countLogged(re: RegExp): number {
    return this.children.reduce((n, c) => n + (c.log.match(re)?.length ?? 0), 0);
  }

  private replace(): void {
    if (this.closed) return;
    while (this.running().length < this.o.live) {
      const spare = this.children.find((c) => !c.live && c.phase === 'warm');
      const warming = this.children.find((c) => !c.live && c.phase === 'warming');
      this.go(spare ?? warming ?? this.spawn());
    }
    this.topUpSpares();
  }

  private topUpSpares(): void {
    const spares = this.children.filter((c) => !c.live && c.phase !== 'dead').length;
    for (let i = spares; i < this.o.spares; i++) this.spawn();
  }

  private go(c: Child): void {
    c.live = true;
    c.wentAt = Date.now();
    if (c.phase === 'warm') c.phase = 'starting';
    c.proc.stdin?.write('go\n');
  }

  private spawn(): Child {
    const proc = spawn(process.execPath, [this.o.script], {
      cwd: ROOT,
      env: { ...process.env, ...this.o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const c: Child = {
      id: this.nextId++,
      proc,
      phase: 'warming',
      live: false,
      killedByUs: false,
      wentAt: 0,
      inFlight: new Map(),
      log: '',
    };
    this.children.push(c);
    this.stats.spawned++;
    proc.stdin?.on('error', () => {});
    // Bounded: a worker logs a few warnings per failed job; this keeps the last ~256 KB of each.
    proc.stderr?.on('data', (d: Buffer) => (c.log = (c.log + d.toString()).slice(-262_144)));
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.onLine(c, buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    proc.once('exit', () => {
      const wasLive = c.live;
      c.phase = 'dead';
      c.inFlight.clear();
      if (c.killedByUs || this.closed) return;
      this.stats.diedOnTheirOwn++;
      if (wasLive) this.replace();
      else this.topUpSpares();
    });
    return c;
  }

  private onLine(c: Child, line: string): void {
    const [word, arg] = line.split(' ');
    if (word === 'warm') c.phase = c.live ? 'starting' : 'warm';
    else if (word === 'ready') {
      c.phase = 'ready';
      this.stats.startupMs.push(Date.now() - c.wentAt);
    } else if (word === 'begin') {
      c.inFlight.set(Number(arg), Date.now());
      this.stats.jobsBegun++;
    } else if (word === 'end') {
      const began = c.inFlight.get(Number(arg));
      if (began !== undefined) this.stats.jobMs.push(Date.now() - began);
      c.inFlight.delete(Number(arg));
      const kind = line.split(' ')[2] ?? '?';
      this.stats.ends[kind] = (this.stats.ends[kind] ?? 0) + 1;
    }
  }
}
