/**
 * The productivity metric of Jogalekar & Woodside, "Evaluating the scalability of distributed
 * systems", IEEE TPDS 11(6), 2000: F(k) = λ(k)·f(k)/C(k), ψ(k1,k2) = F(k2)/F(k1), with the value
 * of a response f = 1/(1 + T/T^) (T the response time, T^ its target).
 */

/** f(T) = 1 / (1 + T/T^): 1 for an instant answer, 1/2 at the target, -> 0 as T grows. */
export const responseValue = (latencyMs: number, targetMs: number): number => {
  if (!(targetMs > 0)) throw new RangeError(`T^ must be > 0, got ${targetMs}`);
  if (!(latencyMs >= 0)) throw new RangeError(`T must be >= 0, got ${latencyMs}`);
  return 1 / (1 + latencyMs / targetMs);
};

/** F = λ·f/C (responses/s x value / currency/s). */
export const productivity = (throughput: number, value: number, costPerSec: number): number => {
  if (!(costPerSec > 0)) throw new RangeError(`C must be > 0, got ${costPerSec}`);
  return (throughput * value) / costPerSec;
};
