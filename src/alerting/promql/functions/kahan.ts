/** Prometheus's kahanSumInc: Kahan-Babuska-Neumaier compensated summation, one step. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) {
    return [t, c + (sum - t + inc)];
  }
  return [t, c + (inc - t + sum)];
}
