/** How many times each side of an A/B figure runs, in turn (BENCH_ROUNDS to change; at least 2). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 2) {
  throw new Error(`BENCH_ROUNDS must be a whole number of at least 2, not "${process.env.BENCH_ROUNDS}"`);
}

/**
 * Runs the baseline and the measured side in turn, ROUNDS times (ABAB…), so that both meet the same moments of a
 * shared, noisy machine; each side's best run counts. `round` (1, 2, …) lets a side vary its data between runs.
 */
export async function interleave(
  baseline: (round: number) => Promise<number>,
  measured: (round: number) => Promise<number>
): Promise<{ baseline: number; measured: number; baselineRuns: number[]; measuredRuns: number[] }> {
  const baselineRuns: number[] = [];
  const measuredRuns: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    baselineRuns.push(await baseline(round));
    measuredRuns.push(await measured(round));
  }
  return { baseline: Math.max(...baselineRuns), measured: Math.max(...measuredRuns), baselineRuns, measuredRuns };
}
