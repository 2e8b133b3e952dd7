/** A counting semaphore: at most `max` tasks run at once; the others wait in arrival order. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private max: number) {}

  setMax(max: number): void {
    this.max = Math.max(1, max);
    this.drain();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next task
    else this.active--;
  }

  private drain(): void {
    while (this.active < this.max && this.waiting.length) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}
