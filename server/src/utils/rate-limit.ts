/**
 * A token bucket per key (the client IP): `burst` requests at once, refilled at `perSecond`.
 * Idle buckets are forgotten, so memory stays bounded by the number of active clients.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number
  ) {}

  /** 0 when the request may go, else the seconds to wait before the next one may. */
  take(key: string, now = Date.now()): number {
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const idleMs = (this.burst / this.perSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > idleMs) this.buckets.delete(key);
  }
}
