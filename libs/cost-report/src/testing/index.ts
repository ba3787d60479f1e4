export { startMailpit, type RunningMailpit } from './mailpit.ts';
export { freePort, startBackfilledPrometheus, type RunningPrometheus } from './prometheus.ts';
export { NOV, NOW, OCT, PRICES, syntheticHistory } from './scenario.ts';
