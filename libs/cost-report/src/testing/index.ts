export { startBackfilledPrometheus, type RunningPrometheus } from './prometheus.ts';
export { NOV, NOW, OCT, PRICES, syntheticHistory } from './scenario.ts';
